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
        return switch (name) {
            case "jdk" -> new JdkHttpClientDriver(false);
            case "apache5" -> new Apache5Driver();
            case "apache4" -> new Apache4Driver();
            case "okhttp" -> new OkHttpDriver(false);
            case "okhttp-enqueue" -> new OkHttpDriver(true);
            default -> new UrlConnectionDriver();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection", "apache5", "apache4", "okhttp", "okhttp-enqueue"})
    void aRetryableFailureIsRecordedButNotRetried(String client) throws Exception {
        // 502: retryable for the agent, and not re-sent by Apache 5 itself (429 and 503 would be)
        upstream.enqueue(Fault.status(502)).otherwise(Fault.ok("ok"));

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/x"), null);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(upstream.hits()).isEqualTo(1);
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.would_retry")).isEqualTo("true");
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("status");
        assertThat(upstream.requests().get(0).header("traceparent")).contains(span.spanId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache5", "apache4"})
    void theLibrariesOwnRetriesAreLeftAsTheyWere(String client) throws Exception {
        // Apache 5 re-sends a 503 once by itself (after 1s); Apache 4 re-sends a GET after a reset
        upstream.otherwise(client.equals("apache5") ? Fault.status(503) : Fault.resetBeforeHead());

        try {
            driver(client).call("GET", upstream.url("/x"), null);
        } catch (java.io.IOException expected) {
            // the reset reaches the application after the library's own re-sends
        }

        assertThat(upstream.awaitHits(2, Duration.ofSeconds(3))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection", "apache5", "apache4", "okhttp", "okhttp-enqueue"})
    void timeoutsAreComputedButNotApplied(String client) throws Exception {
        // our read timeout is 1s; the application set none, so it waits for the 1.5s head
        upstream.otherwise(Fault.slowHead(Duration.ofMillis(1_500)));

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/slow"), null);

        assertThat(reply.status()).isEqualTo(200);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 1);
        assertThat(spans.get(0).longAttr("upstreamguard.timeout.read_ms")).isBetween(900L, 1000L);
        assertThat(spans.get(0).attr("upstreamguard.outcome")).isEqualTo("success");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection", "apache5", "apache4", "okhttp", "okhttp-enqueue"})
    void anOpenBreakerRejectsNothingAndMarksWhatItWouldHaveRejected(String client) throws Exception {
        // one attempt a call in observe mode: ten failing calls open the breaker (10 attempts, 100 %);
        // 502, which Apache 5 does not re-send by itself (it would a 503)
        upstream.otherwise(Fault.status(502, "down"));
        ClientDriver driver = driver(client);
        for (int i = 0; i < 10; i++) {
            assertThat(driver.call("GET", upstream.url("/down"), null).status()).isEqualTo(502);
        }

        upstream.otherwise(Fault.ok("fine"));
        ClientDriver.Reply reply = driver.call("GET", upstream.url("/down"), null);

        assertThat(reply.status()).isEqualTo(200); // not rejected
        assertThat(upstream.hits()).isEqualTo(11);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 11);
        assertThat(spans)
                .filteredOn(s -> "true".equals(s.attr("upstreamguard.would_reject")))
                .hasSize(1)
                .allMatch(s -> "open".equals(s.attr("upstreamguard.breaker.state")) && !s.hasAttr("error.type"));
    }
}
