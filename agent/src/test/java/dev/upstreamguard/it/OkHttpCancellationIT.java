package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OkHttp's own call timeout cancels the call: the agent must neither retry it nor report it as an
 * upstream reset. It is the upstream's slowness, so the filter answers it as a {@code timeout} (504).
 */
class OkHttpCancellationIT {

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        Collector.receiver().clear();
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void theClientsCallTimeoutIsATimeoutNotAResetAndIsNotRetried() {
        upstream.otherwise(Fault.slowHead(Duration.ofSeconds(3)));
        OkHttpClient client = new OkHttpClient.Builder()
                .callTimeout(300, TimeUnit.MILLISECONDS)
                .build();
        Object scope = RequestBridge.open(null, null);
        Object previous = RequestBridge.attach(scope);
        Throwable thrown;
        try {
            thrown = catchThrowable(() -> {
                try (Response response = client.newCall(new Request.Builder()
                                .url(upstream.url("/report"))
                                .build())
                        .execute()) {
                    response.body().string();
                }
            });
        } finally {
            RequestBridge.detach(previous);
        }

        // what OkHttp throws without the agent
        assertThat(thrown).isInstanceOf(InterruptedIOException.class).hasMessage("timeout");
        assertThat(upstream.awaitHits(2, Duration.ofMillis(500))).isFalse();
        Map<String, Object> recorded = RequestBridge.lastFailure(scope);
        assertThat(recorded)
                .containsEntry("failure", "timeout")
                .containsEntry("outcome", "cancelled")
                .containsEntry("attempts", 1);
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("timeout");
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("cancelled");
    }
}
