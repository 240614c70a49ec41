package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

/**
 * A flat class path whose application has its own OpenTelemetry SDK (the global instance), exporting to the
 * same receiver: the filter makes the SERVER span with the application's SDK, and the agent's CLIENT spans,
 * exported by the agent's own SDK, are still its children.
 */
class FlatClassPathWithSdkIT extends OneTraceContract {
    @Override
    Shop startShop(OtlpReceiver receiver) {
        return FlatShop.start(receiver, true, null);
    }

    @Override
    String serverSpanScope() {
        return FILTER_SCOPE;
    }

    @Test
    void theServerSpanComesFromTheApplicationsSdkAndTheAttemptsFromTheAgents() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));

        Answer answer = Answer.get(shop, "/call/httpclient", upstream.url("/stock"), null);

        Trace trace = checkOneTrace(answer, 502, "status", 3, upstream.hostPort());
        assertThat(trace.serverSpans().get(0).resource().get("service.name")).isEqualTo(FlatShopMain.APP_SERVICE_NAME);
    }
}
