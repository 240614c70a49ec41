package dev.upstreamguard.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The installer finds every instrumentation package through its descriptor, and names no library itself:
 * adding a client is a new package and a line in the service file.
 */
class InstrumentationModulesTest {

    /** Names that only an instrumentation package may write. */
    private static final List<String> LIBRARY_NAMES = List.of(
            "okhttp",
            "org.apache.hc",
            "org.apache.http",
            "apache4",
            "apache5",
            "jdk.internal.net.http",
            "sun.net.www",
            "HttpURLConnection",
            "java.net.http",
            "jetty");

    private static final Path MAIN = Path.of("src/main/java/dev/upstreamguard/agent");

    @Test
    void theInstallerFindsOneModulePerInstrumentationPackage() throws IOException {
        List<InstrumentationModule> modules = AgentInstaller.modules(AgentInstaller.class.getClassLoader());

        assertThat(modules)
                .extracting(InstrumentationModule::name)
                .contains("jdkhttpclient", "urlconnection", "okhttp", "apache5", "apache4")
                .doesNotHaveDuplicates();
        // every package with advice (a shared base such as apache/ has none)
        List<String> packages;
        try (Stream<Path> files = Files.walk(MAIN.resolve("instrumentation"))) {
            packages = files.filter(f -> f.getFileName().toString().endsWith("Advice.java"))
                    .map(f -> f.getParent().getFileName().toString())
                    .distinct()
                    .collect(Collectors.toList());
        }
        assertThat(modules)
                .extracting(m -> m.getClass().getPackageName().replaceFirst(".*\\.", ""))
                .containsExactlyInAnyOrderElementsOf(packages);
    }

    @Test
    void eachModuleNamesOnlyAdviceAndHooksOfItsOwnPackage() {
        for (InstrumentationModule module : AgentInstaller.modules(AgentInstaller.class.getClassLoader())) {
            String own = module.getClass().getPackageName() + '.';
            assertThat(module.typeInstrumentations()).as(module.name()).isNotEmpty();
            for (TypeInstrumentation type : module.typeInstrumentations()) {
                assertThat(type.advice()).as(module.name()).isNotEmpty();
                assertThat(type.advice())
                        .allSatisfy(a -> assertThat(a.adviceClass()).startsWith(own));
                if (type.builderHook() != null) {
                    assertThat(type.builderHook()).startsWith(own);
                    assertThat(type.typeNames()).hasSize(1);
                }
            }
        }
    }

    @Test
    void nothingInInstallNorAnyAdviceNamesALibrary() throws IOException {
        List<Path> checked;
        try (Stream<Path> install = Files.list(MAIN.resolve("install"));
                Stream<Path> advice = Files.walk(MAIN.resolve("instrumentation"))) {
            checked = Stream.concat(
                            install,
                            advice.filter(p -> p.getFileName().toString().endsWith("Advice.java")))
                    .collect(Collectors.toList());
        }
        assertThat(checked).hasSizeGreaterThan(5);
        for (Path file : checked) {
            String code = Files.readString(file);
            boolean advice = file.getFileName().toString().endsWith("Advice.java");
            for (String line : code.split("\n")) {
                String trimmed = line.trim();
                if (trimmed.startsWith("*") || trimmed.startsWith("/*") || trimmed.startsWith("//")) {
                    continue; // comments may say what they are about
                }
                // advice may name the fields it reads, never a library in a string; install/ names none at all
                List<String> checkedText = advice ? literals(line) : List.of(line);
                for (String text : checkedText) {
                    for (String name : LIBRARY_NAMES) {
                        assertThat(text.toLowerCase()).as(file + ": " + trimmed).doesNotContain(name.toLowerCase());
                    }
                }
            }
        }
    }

    private static List<String> literals(String line) {
        List<String> found = new java.util.ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(line);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
