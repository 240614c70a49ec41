package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

/**
 * The flat-class-path shop with the OpenTelemetry Java agent attached first and Upstream Guard's second, as
 * the README recommends: the OpenTelemetry agent's own instrumentations of the two JDK clients turned off,
 * since Upstream Guard traces every attempt of those. The OpenTelemetry agent makes the SERVER span, the
 * filter adopts it (no second server span) and adds the failure, and Upstream Guard's attempts are its
 * children: one clean trace.
 */
class WithOpenTelemetryAgentIT extends OneTraceContract {
    static final String OTEL_JETTY_SCOPE = "io.opentelemetry.jetty-12.0";

    @Override
    Shop startShop(OtlpReceiver receiver) {
        return FlatShop.start(
                receiver,
                false,
                Settings.otelJavaagentJar(),
                "-Dotel.instrumentation.http-url-connection.enabled=false",
                "-Dotel.instrumentation.java-http-client.enabled=false");
    }

    @Override
    String serverSpanScope() {
        return OTEL_JETTY_SCOPE;
    }

    @Test
    void theTraceHasNoOtherClientSpans() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));

        Answer answer = Answer.get(shop, "/call/httpclient", upstream.url("/stock"), null);

        Trace trace = checkOneTrace(answer, 502, "status", 3, upstream.hostPort());
        assertThat(trace.spans()).as(trace.describe()).hasSize(4);
        assertThat(shop.output()).doesNotContain("Exception in thread").doesNotContain("[upstream-guard] ERROR");
    }
}
