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
        // the bean as the README shows it: the class's indentation taken off, whatever the formatter's width
        String snippet = source.substring(source.lastIndexOf('\n', source.indexOf(START)) + 1, source.indexOf(END))
                .stripIndent()
                .lines()
                .skip(1) // the start marker
                .collect(Collectors.joining("\n"))
                .strip();

        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);

        assertThat(snippet).startsWith("@Bean").contains("DispatcherType.ASYNC");
        assertThat(readme).contains("```java\n" + snippet + "\n```");
    }
}
