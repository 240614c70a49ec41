package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstreams that answer badly: absurd Retry-After values, huge and malformed heads, a head that never
 * finishes. The application gets a clean result within the configured bounds and the agent logs no
 * error of its own. Settings as in {@link ClientConformanceSuite}.
 */
class HostileUpstreamIT {

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

    private static ClientDriver driver(String name) {
        return name.equals("jdk") ? new JdkHttpClientDriver(false) : new UrlConnectionDriver();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void unreadableRetryAfterValuesFallBackToTheBackoff(String client) throws Exception {
        upstream.enqueue(Fault.retryAfter(503, "-5"), Fault.retryAfter(503, "soon"))
                .otherwise(Fault.ok("ok"));
        long start = System.nanoTime();

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/a"), null);

        // both values are ignored: the backoff (at most 40ms here) applies instead
        assertThat(reply.status()).isEqualTo(200);
        assertThat(upstream.hits()).isEqualTo(3);
        assertThat(millisSince(start)).isLessThan(3_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void anAbsurdlyLargeRetryAfterEndsTheRetries(String client) throws Exception {
        upstream.otherwise(Fault.retryAfter(503, "99999999999999999999"));

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/a"), null);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(Collector.clientSpans(upstream.port(), 1).get(0).attr("upstreamguard.outcome"))
                .isEqualTo("retry-after-too-long");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void aRetryAfterDateInThePastRetriesAtOnceAndOneFarAheadEndsTheRetries(String client) throws Exception {
        upstream.enqueue(
                        Fault.retryAfter(503, "Sun, 06 Nov 1994 08:49:37 GMT"),
                        Fault.retryAfter(503, "Fri, 31 Dec 2999 23:59:59 GMT"))
                .otherwise(Fault.ok("ok"));
        long start = System.nanoTime();

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/b"), null);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(2);
        assertThat(millisSince(start)).isLessThan(3_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void aHugeResponseHeaderPassesThroughUnchanged(String client) throws Exception {
        String big = "x".repeat(32 * 1024);
        upstream.otherwise(Fault.ok("ok").withHeader("X-Big", big));

        ClientDriver.Reply reply = driver(client).call("GET", upstream.url("/c"), null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().entrySet()).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualToIgnoringCase("X-Big");
            assertThat(e.getValue()).containsExactly(big);
        });
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void aHeadThatNeverFinishesIsBoundedByTheReadTimeout() {
        upstream.otherwise(Fault.rawThenHang("HTTP/1.1 200 OK\r\nContent-Type: text/pl"));
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> driver("jdk").call("GET", upstream.url("/d"), null));

        assertThat(thrown).isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(upstream.hits()).isEqualTo(3);
        assertThat(millisSince(start)).isBetween(2_500L, 6_000L);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("timeout");
    }

    @org.junit.jupiter.api.Test
    void aHeadThatNeverFinishesGivesHttpUrlConnectionsOwnAnswerWithinTheReadTimeout() throws Exception {
        // HttpURLConnection reports the status line it got and drops the unfinished headers: the
        // application sees exactly that, within one read timeout, as it would without the agent.
        upstream.otherwise(Fault.rawThenHang("HTTP/1.1 200 OK\r\nContent-Type: text/pl"));
        long start = System.nanoTime();

        HttpURLConnection c = (HttpURLConnection) new URL(upstream.url("/d")).openConnection();
        int status = c.getResponseCode();

        assertThat(status).isEqualTo(200);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(millisSince(start)).isBetween(900L, 3_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "urlconnection"})
    void aMalformedStatusLineGivesTheClientsOwnError(String client) {
        upstream.otherwise(Fault.rawThenClose("HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n"));

        Throwable thrown = catchThrowable(() -> driver(client).call("GET", upstream.url("/e"), null));

        // whatever the client makes of it, the application gets the client's own exception type
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(IOException.class);
        }
        assertThat(upstream.hits()).isBetween(1, 3);
        assertThat(Collector.clientSpans(upstream.port(), upstream.hits())).isNotEmpty();
    }
}
