package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OkHttp's per-call timeout ({@code call.timeout()}), which bounds the whole call, is the
 * application's: the agent's attempts run inside it and never lengthen it. (Per-call connect and read
 * timeouts through {@code newBuilder()} are in the conformance suite.)
 */
class OkHttpAppTimeoutsIT {

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

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).isZero();
    }

    @Test
    void theApplicationsPerCallTimeoutEndsTheCallBeforeTheAgentsReadTimeoutWould() {
        upstream.otherwise(Fault.slowHead(Duration.ofSeconds(5)));
        Call call = new OkHttpClient()
                .newCall(new Request.Builder().url(upstream.url("/slow")).build());
        call.timeout().timeout(300, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> call.execute().close());

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(thrown).isInstanceOf(InterruptedIOException.class);
        // the agent's read timeout (1 s) would end the first attempt only after 1 s
        assertThat(elapsedMs).isLessThan(1_000L);
    }
}
