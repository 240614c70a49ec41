package dev.upstreamguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a setting comes from: system property, then environment variable, then the file, then the default. */
class ConfigSourceTest {

    private static final String KEY = "upstreamguard.timeout.connect";
    private static final String ENV = "UPSTREAMGUARD_TIMEOUT_CONNECT";

    @TempDir
    Path dir;

    private final ConfigFixture fixture = new ConfigFixture();

    private Path file(String content) throws IOException {
        Path f = dir.resolve("guard.properties");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void environmentNameIsUpperCaseWithDotsAndDashesAsUnderscores() {
        assertThat(ConfigSource.envName("upstreamguard.timeout.connect")).isEqualTo("UPSTREAMGUARD_TIMEOUT_CONNECT");
        assertThat(ConfigSource.envName("upstreamguard.retry.max-attempts"))
                .isEqualTo("UPSTREAMGUARD_RETRY_MAX_ATTEMPTS");
        assertThat(ConfigSource.envName("upstreamguard.dependency.my-svc.timeout.read"))
                .isEqualTo("UPSTREAMGUARD_DEPENDENCY_MY_SVC_TIMEOUT_READ");
    }

    @Test
    void systemPropertyWinsOverEnvironmentAndFile() throws IOException {
        Path f = file(KEY + "=3s\n");
        fixture.property(KEY, "1s").env(ENV, "2s").property(ConfigSource.CONFIG_FILE_KEY, f.toString());

        assertThat(fixture.source().get(KEY)).isEqualTo("1s");
    }

    @Test
    void environmentWinsOverFile() throws IOException {
        Path f = file(KEY + "=3s\n");
        fixture.env(ENV, "2s").property(ConfigSource.CONFIG_FILE_KEY, f.toString());

        assertThat(fixture.source().get(KEY)).isEqualTo("2s");
    }

    @Test
    void fileIsUsedWhenNeitherPropertyNorEnvironmentSetsTheKey() throws IOException {
        Path f = file(KEY + "=3s\n");
        fixture.property(ConfigSource.CONFIG_FILE_KEY, f.toString());

        assertThat(fixture.source().get(KEY)).isEqualTo("3s");
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void fileMayBeNamedByAnEnvironmentVariable() throws IOException {
        Path f = file(KEY + "=3s\n");
        fixture.env("UPSTREAMGUARD_CONFIG_FILE", "  " + f + "  ");

        assertThat(fixture.source().get(KEY)).isEqualTo("3s");
    }

    @Test
    void unsetKeyIsNull() {
        assertThat(fixture.source().get(KEY)).isNull();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void unreadableFileIsOneProblemNamingTheKeyAndThePath() {
        Path missing = dir.resolve("missing.properties");
        fixture.property(ConfigSource.CONFIG_FILE_KEY, missing.toString()).env(ENV, "2s");

        ConfigSource source = fixture.source();

        assertThat(fixture.problems).hasSize(1);
        assertThat(fixture.problems.get(0))
                .startsWith(ConfigSource.CONFIG_FILE_KEY + ":")
                .contains("\"" + missing + "\"");
        assertThat(source.get(KEY)).as("the other sources still apply").isEqualTo("2s");
    }

    @Test
    void aDirectoryAsFileIsOneProblem() {
        fixture.property(ConfigSource.CONFIG_FILE_KEY, dir.toString());

        fixture.source();

        assertThat(fixture.problems).singleElement().asString().contains(dir.toString());
    }

    @Test
    void blankFileNameIsIgnored() {
        fixture.property(ConfigSource.CONFIG_FILE_KEY, "  ");

        fixture.source();

        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void sourceIsASnapshotOfThePropertiesGiven() {
        fixture.property(KEY, "1s");
        ConfigSource source = fixture.source();
        fixture.properties.setProperty(KEY, "9s");
        fixture.environment.put(ENV, "8s");

        assertThat(source.get(KEY)).isEqualTo("1s");
    }

    @Test
    void describeNamesTheEnvironmentVariableOnlyWhenTheValueCameFromIt() {
        fixture.env(ENV, "2s").env("UPSTREAMGUARD_TIMEOUT_READ", "1s").property("upstreamguard.timeout.read", "3s");
        ConfigSource source = fixture.source();

        assertThat(source.describe(KEY)).isEqualTo(ENV);
        assertThat(source.describe("upstreamguard.timeout.read")).isEqualTo("upstreamguard.timeout.read");
        assertThat(source.describe("upstreamguard.timeout.call")).isEqualTo("upstreamguard.timeout.call");
    }

    @Test
    void propertyKeysComeFromPropertiesAndFileButNotTheEnvironment() throws IOException {
        Path f = file("upstreamguard.from.file=1\nother.key=2\n");
        fixture.property(ConfigSource.CONFIG_FILE_KEY, f.toString())
                .property("upstreamguard.from.property", "1")
                .property("java.version.x", "1")
                .env("UPSTREAMGUARD_FROM_ENV", "1");

        assertThat(fixture.source().propertyKeysStartingWith("upstreamguard."))
                .containsExactly(
                        ConfigSource.CONFIG_FILE_KEY, "upstreamguard.from.file", "upstreamguard.from.property");
    }
}
