package dev.upstreamguard.samples.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's web.xml snippet is the storefront's own filter declaration. */
class ReadmeSnippetTest {

    @Test
    void theReadmesWebXmlSnippetComesFromTheStorefront() throws IOException {
        String webXml = Files.readString(Path.of("src/main/webapp/WEB-INF/web.xml"), StandardCharsets.UTF_8);
        String declaration = webXml.substring(
                webXml.indexOf("<!-- upstream-guard-filter -->") + "<!-- upstream-guard-filter -->".length(),
                webXml.indexOf("<!-- /upstream-guard-filter -->"));
        String snippet = declaration
                .strip()
                .lines()
                .map(line -> line.startsWith("  ") ? line.substring(2) : line)
                .collect(Collectors.joining("\n"));

        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);

        assertThat(readme).contains("```xml\n" + snippet + "\n```");
    }
}
