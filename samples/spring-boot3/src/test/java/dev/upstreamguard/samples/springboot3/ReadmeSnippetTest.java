package dev.upstreamguard.samples.springboot3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's Spring Boot registration is the sample's own {@code @Bean}. */
class ReadmeSnippetTest {
    private static final String START = "// upstream-guard-registration";
    private static final String END = "// /upstream-guard-registration";

    @Test
    void theReadmesFilterRegistrationComesFromTheSample() throws IOException {
        String source = Files.readString(
                Path.of("src/main/java/dev/upstreamguard/samples/springboot3/SampleApplication.java"),
                StandardCharsets.UTF_8);
        String snippet = source.substring(source.indexOf(START) + START.length(), source.indexOf(END))
                .strip()
                .lines()
                .map(line -> line.startsWith("  ") ? line.substring(2) : line)
                .collect(Collectors.joining("\n"));

        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);

        assertThat(snippet).startsWith("@Bean").contains("DispatcherType.ASYNC");
        assertThat(readme).contains("```java\n" + snippet + "\n```");
    }
}
