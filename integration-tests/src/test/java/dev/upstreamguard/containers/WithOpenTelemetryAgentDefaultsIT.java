package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedSpan;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Both agents with the OpenTelemetry agent's defaults: still one trace and one SERVER span (the filter
 * adopts the OpenTelemetry agent's), Upstream Guard's attempts its children, no crash. What the README warns
 * about: the OpenTelemetry agent traces the same physical attempts again with its own CLIENT spans, siblings
 * of Upstream Guard's, without the {@code upstreamguard.*} attributes.
 */
class WithOpenTelemetryAgentDefaultsIT extends OneTraceContract {

    @Override
    Shop startShop(OtlpReceiver receiver) {
        return FlatShop.start(receiver, false, Settings.otelJavaagentJar());
    }

    @Override
    String serverSpanScope() {
        return WithOpenTelemetryAgentIT.OTEL_JETTY_SCOPE;
    }

    @Test
    void eachAttemptIsAlsoTracedByTheOpenTelemetryAgent() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));

        Answer answer = Answer.get(shop, "/call/urlconnection", upstream.url("/stock"), null);

        Trace trace = checkOneTrace(answer, 502, "status", 3, upstream.hostPort());
        String server = trace.serverSpans().get(0).spanId();
        List<ReceivedSpan> otherClients = trace.spans().stream()
                .filter(s -> "CLIENT".equals(s.kind()) && !Trace.isAttempt(s))
                .collect(Collectors.toList());
        assertThat(otherClients)
                .as(trace.describe())
                .hasSize(3)
                .allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(server))
                .allSatisfy(s -> assertThat(s.scopeName()).isEqualTo("io.opentelemetry.http-url-connection"));
    }
}
