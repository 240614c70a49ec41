package dev.upstreamguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.core.GuardPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from {@link PolicyKey} and {@link GuardPolicy#defaults()}, so
 * the documented defaults cannot drift from the code's. When this test fails, regenerate the page:
 * {@code mvn -B -pl agent test -Dtest=ConfigurationDocTest -Dupstreamguard.docs.write=true}.
 */
class ConfigurationDocTest {

    private static final Path PAGE = Path.of("..", "docs", "configuration.md");

    @Test
    void theConfigurationPageMatchesTheCode() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("upstreamguard.docs.write")) {
            Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";
        assertThat(actual)
                .as(
                        "%s is out of date with PolicyKey and GuardPolicy.defaults(); regenerate it with "
                                + "mvn -B -pl agent test -Dtest=ConfigurationDocTest -Dupstreamguard.docs.write=true",
                        PAGE.normalize())
                .isEqualTo(expected);
    }

    static String render() {
        GuardPolicy defaults = GuardPolicy.defaults();
        StringBuilder page = new StringBuilder();
        page.append("# Agent configuration\n\n")
                .append("<!-- Generated from PolicyKey and GuardPolicy.defaults() by ConfigurationDocTest "
                        + "(agent/src/test): do not edit by hand. -->\n\n")
                .append("Each key is read from, highest first: a system property "
                        + "(`-Dupstreamguard.timeout.connect=1s`), an environment variable "
                        + "(`UPSTREAMGUARD_TIMEOUT_CONNECT=1s`: upper case, `.` and `-` become `_`), the "
                        + "properties file named by `" + ConfigSource.CONFIG_FILE_KEY + "`, then the default. "
                        + "Durations are written `250ms`, `2s`, `1m`, `1h`. An invalid value stops nothing: "
                        + "the agent prints one line naming the key, the value and what it expected, and "
                        + "uses the default.\n\n")
                .append("| key | default | meaning |\n| --- | --- | --- |\n");
        row(page, AgentConfig.ENABLED, "true", "`false`: the agent installs nothing");
        row(
                page,
                AgentConfig.MODE,
                "enforce",
                "`observe`: trace only; timeouts and retries are computed "
                        + "and recorded on spans (`upstreamguard.would_retry`), the application's behaviour is unchanged");
        for (PolicyKey key : PolicyKey.values()) {
            // the methods are a set: sorted, so the page does not change from one JVM to the next
            String value = key == PolicyKey.RETRY_METHODS
                    ? String.join(",", new TreeSet<>(defaults.retryMethods()))
                    : key.format(defaults);
            row(page, AgentConfig.PREFIX + key.suffix(), value, key.description());
        }
        row(
                page,
                AgentConfig.DEPENDENCIES,
                "",
                "logical names for upstreams: "
                        + "`inventory=inventory.internal:8080,pricing=pricing.internal:9000,search=*.search.internal` "
                        + "(host, host:port, or `*.` suffix). Unnamed upstreams are named `host:port`");
        page.append("| `")
                .append(AgentConfig.DEPENDENCY_PREFIX)
                .append(
                        "NAME.KEY` | | per-dependency override "
                                + "of any `timeout.*`, `retry.*`, `breaker.*`, `concurrency.*` or `deadline.*` key above, e.g. `upstreamguard.dependency.inventory.timeout.read=30s` |\n");
        row(
                page,
                AgentConfig.TRACING_ENABLED,
                "true",
                "`false`: no spans, no trace headers; timeouts and " + "retries still apply, and so do the metrics");
        row(page, AgentConfig.DEBUG, "false", "`true`: prints each instrumented class (troubleshooting)");
        page.append("\nOpenTelemetry is configured by the SDK's own autoconfiguration: `otel.service.name`, "
                + "`otel.exporter.otlp.endpoint` (default `http://localhost:4318`, `http/protobuf`), "
                + "`otel.traces.exporter`, `otel.traces.sampler`, `otel.resource.attributes`, or their "
                + "`OTEL_*` variables. Metrics go to the same endpoint: `otel.metrics.exporter` (default `otlp`; "
                + "`none` turns them off), `otel.metric.export.interval` (the SDK's, 60 s by default); "
                + "`otel.sdk.disabled=true` turns off spans and metrics alike. The instruments are listed in "
                + "the README's \"Metrics\" section.\n");
        return page.toString();
    }

    private static void row(StringBuilder page, String key, String value, String meaning) {
        page.append("| `")
                .append(key)
                .append("` | ")
                .append(value.isEmpty() ? "empty" : "`" + value + "`")
                .append(" | ")
                .append(meaning)
                .append(" |\n");
    }
}
