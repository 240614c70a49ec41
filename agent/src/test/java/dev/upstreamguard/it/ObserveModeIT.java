package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code upstreamguard.mode=observe}: spans record what would happen; the application's behaviour is unchanged. */
class ObserveModeIT {

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
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

    private static ClientDriver driver(String name) {
        return name.equals("jdk") ? new JdkHttpClientDriver(false) : new UrlConnectionDriver();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void aRetryableFailureIsRecordedButNotRetried(String client) throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/x"), null);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(1);
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.would_retry")).isEqualTo("true");
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("status");
        assertThat(upstream.requests().get(0).header("traceparent")).contains(span.spanId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void timeoutsAreComputedButNotApplied(String client) throws Exception {
        // our read timeout is 1s; the application set none, so it waits for the 1.5s head
        upstream.otherwise(Fault.slowHead(Duration.ofMillis(1_500)));

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/slow"), null);

        assertThat(reply.status()).isEqualTo(200);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 1);
        assertThat(spans.get(0).longAttr("upstreamguard.timeout.read_ms")).isBetween(900L, 1000L);
        assertThat(spans.get(0).attr("upstreamguard.outcome")).isEqualTo("success");
    }
}
