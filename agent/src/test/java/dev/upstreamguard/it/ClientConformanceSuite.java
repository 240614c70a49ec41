package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.testing.ConnectHang;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Ports;
import dev.upstreamguard.testing.ReceivedSpan;
import dev.upstreamguard.testing.RecordedRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The fault scenarios every guarded client must pass, written once. Each checks what the application
 * got, how many attempts reached the upstream, and the spans. The JVM runs with the agent and these
 * settings (agent pom, {@code it.guard}): connect 500ms, read 1s, call 8s, 3 attempts, backoff 10..40ms;
 * {@code localhost} is the dependency {@code inventory} with read 400ms, call 1500ms, 10 attempts.
 * Breakers: the defaults (10 attempts, 50 %, 2 probes) but open for 1s; off for {@code inventory} and
 * {@code bulk}. Each test's upstream has a port of its own, so a breaker of its own.
 */
abstract class ClientConformanceSuite {

    private static final Duration SLOW = Duration.ofSeconds(3);

    /**
     * How long a call to {@code inventory} (localhost, {@code timeout.call=1500ms}) may take: the call
     * timeout, the 200 ms the engine may overrun it by (the last attempt's connect or read timeout is cut
     * to the time left, and a retry needs 100 ms left after its wait), and 800 ms for this 2-core machine
     * being shared by several builds: threads wake late, and the JDK client's cancellation of a timed-out
     * async exchange runs on its own busy threads (measured: up to 2.0 s in all for it under that load).
     * Without the bounds these calls took 8 s (two dribbled pages) or never returned (Apache 4's pool).
     */
    private static final long CALL_BOUND_MS = 1_500 + 200 + 800;

    protected FaultyUpstream upstream;

    /** The client under test. */
    protected abstract ClientDriver driver();

    @BeforeEach
    void startUpstream() {
        Collector.receiver().clear(); // ports are reused over a run: start from no spans
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    /** The deadline scenarios, with the filter in the loop, for this driver. */
    @Nested
    class Deadlines extends DeadlineScenarios {
        @Override
        protected ClientDriver driver() {
            return ClientConformanceSuite.this.driver();
        }
    }

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).as("internal errors of the agent").isZero();
    }

    @Test
    void runsAgainstTheLibraryVersionTheBuildAskedFor() {
        org.junit.jupiter.api.Assumptions.assumeTrue(driver().library() != null, "a JDK client");
        String expected = System.getProperty("it.version." + driver().library());
        String jar = driver().libraryClass()
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath();
        assertThat(jar).endsWith("-" + expected + ".jar");
    }

    @Test
    void getIsRetriedThroughTransientStatusesUntilSuccess() throws Exception {
        upstream.enqueue(Fault.status(503), Fault.status(503)).otherwise(Fault.ok("fine"));

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/items?sig=secret&page=2"), null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("fine");
        assertThat(upstream.hits()).isEqualTo(3);

        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ReceivedSpan span = spans.get(i);
            assertThat(span.name()).isEqualTo("GET");
            assertThat(span.longAttr("upstreamguard.attempt")).isEqualTo(i + 1L);
            assertThat(span.attr("http.request.method")).isEqualTo("GET");
            assertThat(span.attr("server.address")).isEqualTo("127.0.0.1");
            assertThat(span.attr("url.full")).isEqualTo(upstream.url("/items?sig=REDACTED&page=2"));
            assertThat(span.attr("upstreamguard.dependency")).isEqualTo(upstream.hostPort());
            assertThat(span.attr("peer.service")).isEqualTo(upstream.hostPort());
            assertThat(span.attr("service.peer.name")).isEqualTo(upstream.hostPort());
            assertThat(span.longAttr("upstreamguard.timeout.connect_ms")).isEqualTo(500L);
            assertThat(span.longAttr("upstreamguard.timeout.read_ms")).isBetween(900L, 1000L);
            assertThat(span.traceId()).isEqualTo(spans.get(0).traceId());
            // each attempt carried its own traceparent, naming its own span
            RecordedRequest seen = upstream.requests().get(i);
            assertThat(seen.header("traceparent")).matches("00-" + span.traceId() + "-" + span.spanId() + "-0[13]");
        }
        assertThat(spans.get(0).hasAttr("http.request.resend_count")).isFalse();
        assertThat(spans.get(1).longAttr("http.request.resend_count")).isEqualTo(1L);
        assertThat(spans.get(2).longAttr("http.request.resend_count")).isEqualTo(2L);
        assertThat(spans.get(0).attr("upstreamguard.failure")).isEqualTo("status");
        assertThat(spans.get(0).attr("error.type")).isEqualTo("503");
        assertThat(spans.get(0).statusCode()).isEqualTo("ERROR");
        assertThat(spans.get(0).hasAttr("upstreamguard.outcome")).isFalse();
        assertThat(spans.get(2).longAttr("http.response.status_code")).isEqualTo(200L);
        assertThat(spans.get(2).hasAttr("error.type")).isFalse();
        assertThat(spans.get(2).attr("upstreamguard.outcome")).isEqualTo("success");
    }

    @Test
    void persistentFailureStatusIsReturnedAfterMaxAttempts() throws Exception {
        upstream.otherwise(Fault.status(503, "down"));

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/down"), null);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.body()).isEqualTo("down");
        assertThat(upstream.hits()).isEqualTo(3);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans.get(2).attr("upstreamguard.outcome")).isEqualTo("exhausted");
        assertThat(spans.get(2).attr("upstreamguard.failure")).isEqualTo("status");
    }

    @Test
    void postIsNotRetriedAfterItMayHaveReachedTheServer() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("created"));

        ClientDriver.Reply reply = driver().call("POST", upstream.url("/orders"), "{\"id\":1}");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(upstream.requests().get(0).bodyText()).isEqualTo("{\"id\":1}");
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("non-idempotent");
        assertThat(span.name()).isEqualTo("POST");
    }

    @Test
    void postHitByAResetReachesTheServerExactlyOnce() {
        upstream.otherwise(Fault.resetBeforeHead());

        Throwable thrown = catchThrowable(() -> driver().call("POST", upstream.url("/orders"), "{\"id\":2}"));

        assertThat(thrown).isInstanceOf(IOException.class);
        // neither the agent nor the client's own silent re-send may send it twice
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(1);
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("reset");
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("non-idempotent");
    }

    @Test
    void postBodyIsReplayedWhenTheFirstAttemptCouldNotConnect() throws Exception {
        // A refused port never saw the request: any method may be re-sent. Here every attempt is refused.
        int port = Ports.refusedPort();

        Throwable thrown = catchThrowable(() -> driver().call("POST", "http://127.0.0.1:" + port + "/orders", "x"));

        assertThat(thrown).isInstanceOf(ConnectException.class);
        assertThat(thrown.getSuppressed()).hasSize(2).allMatch(t -> t instanceof ConnectException);
        List<ReceivedSpan> spans = Collector.clientSpans(port, 3);
        assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("connect-failure");
        assertThat(thrown).isInstanceOf(driver().connectRefusedType());
        assertThat(spans)
                .extracting(s -> s.attr("error.type"))
                .containsOnly(driver().connectRefusedType().getName());
        assertThat(spans.get(2).attr("upstreamguard.outcome")).isEqualTo("exhausted");
    }

    @Test
    void resetBeforeTheHeadIsRetriedForAGet() throws Exception {
        upstream.enqueue(Fault.resetBeforeHead()).otherwise(Fault.ok("after reset"));

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/flaky"), null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("after reset");
        assertThat(upstream.hits()).isEqualTo(2);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 2);
        assertThat(spans.get(0).attr("upstreamguard.failure")).isEqualTo("reset");
    }

    @Test
    void persistentResetReachesTheServerAtMostMaxAttemptsTimes() {
        upstream.otherwise(Fault.resetBeforeHead());

        Throwable thrown = catchThrowable(() -> driver().call("GET", upstream.url("/broken"), null));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(upstream.awaitHits(4, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(3);
    }

    @Test
    void readTimeoutBoundsEachAttempt() {
        upstream.otherwise(Fault.slowHead(SLOW));
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> driver().call("GET", upstream.url("/slow"), null));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(thrown).isInstanceOf(driver().readTimeoutType());
        assertThat(upstream.hits()).isEqualTo(3);
        // three attempts of about 1s each, never the upstream's 3s each
        assertThat(elapsedMs).isBetween(2_500L, 6_000L);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("timeout");
        assertThat(spans).extracting(s -> s.attr("error.type")).containsOnly("timeout");
    }

    @Test
    void callTimeoutStopsAttemptsAndShrinksTheLastReadTimeout() {
        // "inventory" (localhost): read 400ms, call 1500ms, up to 10 attempts
        upstream.otherwise(Fault.slowHead(SLOW));
        long start = System.nanoTime();

        Throwable thrown =
                catchThrowable(() -> driver().call("GET", "http://localhost:" + upstream.port() + "/slow", null));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(thrown).isInstanceOf(driver().readTimeoutType());
        assertThat(elapsedMs).isBetween(1_200L, 2_800L);
        // about 1500/400 attempts fit; on a loaded machine connects and backoffs take longer, so fewer
        assertThat(upstream.hits()).isBetween(2, 5);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), upstream.hits());
        assertThat(spans).extracting(s -> s.attr("upstreamguard.dependency")).containsOnly("inventory");
        assertThat(spans).extracting(s -> s.attr("peer.service")).containsOnly("inventory");
        // the last attempt may be a few ms short and still in flight at the upstream: find it by its outcome
        ReceivedSpan last = Collector.receiver()
                .awaitSpans(
                        s -> "CLIENT".equals(s.kind())
                                && Long.valueOf(upstream.port()).equals(s.longAttr("server.port"))
                                && s.hasAttr("upstreamguard.outcome"),
                        1,
                        Duration.ofSeconds(10))
                .get(0);
        assertThat(last.longAttr("upstreamguard.timeout.read_ms")).isLessThanOrEqualTo(400L);
        assertThat(last.attr("upstreamguard.outcome")).isEqualTo("exhausted");
    }

    @Test
    void connectTimeoutBoundsAConnectThatHangs() throws Exception {
        try (ConnectHang hang = ConnectHang.start()) {
            long start = System.nanoTime();

            Throwable thrown = catchThrowable(() -> driver().call("GET", hang.url("/"), null));

            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(thrown).isInstanceOf(driver().connectTimeoutType());
            assertThat(elapsedMs).isBetween(1_000L, 4_000L);
            List<ReceivedSpan> spans = Collector.clientSpans(hang.port(), 3);
            assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("connect-failure");
        }
    }

    @Test
    void theApplicationsShorterReadTimeoutIsKept() {
        upstream.otherwise(Fault.slowHead(SLOW));
        ClientDriver own = driver().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(150));

        Throwable thrown = catchThrowable(() -> own.call("GET", upstream.url("/slow"), null));

        assertThat(thrown).isInstanceOf(driver().readTimeoutType());
        assertThat(upstream.hits()).isEqualTo(3);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        // the application's 150 ms ended attempts: with the agent's 1 s, none could end sooner
        assertThat(spans).filteredOn(s -> s.durationMillis() < 1_000).isNotEmpty();
        assertThat(spans)
                .extracting(s -> s.longAttr("upstreamguard.timeout.read_ms"))
                .containsOnly(150L);
        assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("timeout");
    }

    @Test
    void theApplicationsShorterConnectTimeoutIsKept() throws Exception {
        try (ConnectHang hang = ConnectHang.start()) {
            ClientDriver own = driver().withTimeouts(Duration.ofMillis(100), Duration.ofSeconds(5));

            Throwable thrown = catchThrowable(() -> own.call("GET", hang.url("/"), null));

            assertThat(thrown).isInstanceOf(driver().connectTimeoutType());
            List<ReceivedSpan> spans = Collector.clientSpans(hang.port(), 3);
            // the application's 100 ms ended connects: with the agent's 500 ms, none could end sooner
            assertThat(spans).filteredOn(s -> s.durationMillis() < 500).isNotEmpty();
            assertThat(spans)
                    .extracting(s -> s.longAttr("upstreamguard.timeout.connect_ms"))
                    .containsOnly(100L);
            assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("connect-failure");
        }
    }

    @Test
    void theApplicationsLongerTimeoutsGiveWayToTheAgents() {
        upstream.otherwise(Fault.slowHead(SLOW));
        ClientDriver own = driver().withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20));

        Throwable thrown = catchThrowable(() -> own.call("GET", upstream.url("/slow"), null));

        assertThat(thrown).isInstanceOf(driver().readTimeoutType());
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans)
                .extracting(s -> s.longAttr("upstreamguard.timeout.connect_ms"))
                .containsOnly(500L);
        assertThat(spans.get(0).longAttr("upstreamguard.timeout.read_ms")).isEqualTo(1_000L);
    }

    @Test
    void aNameWhoseFirstAddressRefusesIsServedByItsNextAddress() throws Exception {
        // twin.test is 127.0.0.1, then 127.0.0.2 (the ITs' hosts file): the first refuses, the second answers
        try (FaultyUpstream second = startWhereTheFirstAddressRefuses()) {
            second.otherwise(Fault.ok("second"));
            String url = "http://twin.test:" + second.port() + "/orders";
            if (!driver().triesEveryAddressOfAName()) {
                // as without the agent (AgentDisabledIT): the JDK's clients try the first address only
                assertThat(catchThrowable(() -> driver().call("GET", url, null)))
                        .isInstanceOf(ConnectException.class);
                assertThat(second.hits()).isZero();
                return;
            }

            ClientDriver.Reply get = driver().call("GET", url, null);
            ClientDriver.Reply post = driver().call("POST", url, "{\"id\":3}");

            assertThat(get.status()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("second");
            assertThat(post.status()).isEqualTo(200);
            assertThat(second.requests()).extracting(RecordedRequest::method).containsExactly("GET", "POST");
            assertThat(second.requests().get(1).bodyText()).isEqualTo("{\"id\":3}");
        }
    }

    /** An upstream on 127.0.0.2 whose port nothing listens on at 127.0.0.1. */
    static FaultyUpstream startWhereTheFirstAddressRefuses() {
        for (int tries = 0; tries < 10; tries++) {
            FaultyUpstream second = FaultyUpstream.startOn("127.0.0.2");
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress("127.0.0.1", second.port()), 500);
            } catch (IOException refused) {
                return second;
            }
            second.close(); // something listens on 127.0.0.1 at that port: try another
        }
        throw new IllegalStateException("no port free on 127.0.0.1 that is bound on 127.0.0.2");
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        upstream.enqueue(Fault.retryAfter(503, "1")).otherwise(Fault.ok("later"));
        long start = System.nanoTime();

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/busy"), null);

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(reply.status()).isEqualTo(200);
        assertThat(upstream.hits()).isEqualTo(2);
        assertThat(elapsedMs).isBetween(950L, 3_000L);
    }

    @Test
    void retryAfterBeyondItsCapEndsTheRetries() throws Exception {
        upstream.otherwise(Fault.retryAfter(503, "3600"));

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/busy"), null);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers().get("Retry-After")).containsExactly("3600");
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(Collector.clientSpans(upstream.port(), 1).get(0).attr("upstreamguard.outcome"))
                .isEqualTo("retry-after-too-long");
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        upstream.otherwise(Fault.status(404, "nope"));

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/missing"), null);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(upstream.hits()).isEqualTo(1);
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("success");
        assertThat(span.hasAttr("upstreamguard.failure")).isFalse();
    }

    @Test
    void serverErrorOutsideRetryOnIsNotRetriedButRecordedAsAFailure() throws Exception {
        upstream.otherwise(Fault.status(500));

        ClientDriver.Reply reply = driver().call("GET", upstream.url("/bug"), null);

        assertThat(reply.status()).isEqualTo(500);
        assertThat(upstream.hits()).isEqualTo(1);
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("not-retryable");
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("status");
        assertThat(span.attr("error.type")).isEqualTo("500");
    }

    @Test
    void unknownHostFailsFastAndIsNotRetriedByDefault() {
        // The test JVM resolves names only through its own hosts file: this lookup fails locally.
        String host = "no-such-" + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + ".invalid";
        Throwable thrown = catchThrowable(() -> driver().call("GET", "http://" + host + ":81/", null));

        assertThat(thrown).isInstanceOf(driver().unknownHostType());
        assertThat(thrown.getSuppressed()).isEmpty();
        ReceivedSpan span = Collector.clientSpans(81, 1).stream()
                .filter(s -> host.equals(s.attr("server.address")))
                .findFirst()
                .orElseThrow();
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("dns-failure");
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("not-retryable");
        assertThat(span.attr("error.type")).isEqualTo(driver().unknownHostType().getName());
    }

    @Test
    void applicationHeadersAndTheRequestBodyReachTheUpstreamUnchanged() throws Exception {
        upstream.otherwise(Fault.ok("ok"));

        driver().call("PUT", upstream.url("/items/7"), "payload-7");

        RecordedRequest seen = upstream.requests().get(0);
        assertThat(seen.method()).isEqualTo("PUT");
        assertThat(seen.path()).isEqualTo("/items/7");
        assertThat(seen.bodyText()).isEqualTo("payload-7");
    }

    @Test
    void theAgentsOwnExporterIsNeitherTracedNorGuarded() throws Exception {
        upstream.otherwise(Fault.ok("ok"));
        driver().call("GET", upstream.url("/one"), null);
        Collector.clientSpans(upstream.port(), 1);

        assertThat(Collector.spansTo(Collector.receiver().port())).isEmpty();
        assertThat(Collector.receiver().spans())
                .noneMatch(s -> String.valueOf(s.attr("url.full")).contains("/v1/traces"));
    }

    // ---- dependency health: the circuit breaker ----

    /** The breaker's open duration in this JVM (it.guard); a re-open lasts 1.6 to 2 times that. */
    private static final long OPEN_MS = 1_000;

    /**
     * Ports for the breaker's scenarios: below the kernel's ephemeral range (where every other test's
     * upstream and refused port come from) and each used once in this JVM, so no other test ever shares
     * a dependency, and so a breaker, with them: a reused port would carry a breaker's state over.
     */
    private static final java.util.concurrent.atomic.AtomicInteger BREAKER_PORTS =
            new java.util.concurrent.atomic.AtomicInteger(
                    20_000 + (int) (ProcessHandle.current().pid() % 400) * 20);

    /** Replaces this test's upstream with one on a port of its own. */
    private void breakerUpstream() {
        upstream.close();
        for (int i = 0; i < 500; i++) {
            try {
                upstream = FaultyUpstream.start(BREAKER_PORTS.getAndIncrement());
                return;
            } catch (java.io.UncheckedIOException taken) {
                // another process holds it: the next one
            }
        }
        throw new AssertionError("no free port below the ephemeral range for a breaker scenario");
    }

    /** A port of its own on which nothing listens. */
    private static int breakerRefusedPort() {
        for (int i = 0; i < 500; i++) {
            int port = BREAKER_PORTS.getAndIncrement();
            try (java.net.ServerSocket probe =
                    new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException taken) {
                // another process holds it: the next one
            }
        }
        throw new AssertionError("no free port below the ephemeral range for a breaker scenario");
    }

    /** Four calls of three attempts against an upstream that fails them all: the tenth attempt opens it. */
    private void openTheBreaker(String url) {
        for (int call = 1; call <= 4; call++) {
            try {
                driver().call("GET", url, null);
            } catch (Exception expected) {
                // a refused port: the client's connect failure
            }
        }
    }

    private Throwable rejectedCall(String url) {
        Throwable thrown = catchThrowable(() -> driver().call("GET", url, null));
        assertThat(thrown)
                .as("a call to an open breaker")
                .isInstanceOf(dev.upstreamguard.UpstreamUnavailableException.class);
        return thrown;
    }

    private static ReceivedSpan rejectedSpan(int port) {
        return Collector.receiver()
                .awaitSpans(
                        s -> "CLIENT".equals(s.kind())
                                && Long.valueOf(port).equals(s.longAttr("server.port"))
                                && "circuit-open".equals(s.attr("error.type")),
                        1,
                        Duration.ofSeconds(10))
                .get(0);
    }

    @Test
    void theBreakerOpensWithinItsFirstMinAttemptsWhenEveryAttemptIsRefused() {
        int port = breakerRefusedPort();
        String url = "http://127.0.0.1:" + port + "/orders";

        openTheBreaker(url);

        List<ReceivedSpan> spans = Collector.clientSpans(port, 10);
        assertThat(spans).hasSize(10);
        assertThat(spans)
                .filteredOn(s -> s.hasAttr("upstreamguard.outcome"))
                .extracting(s -> s.attr("upstreamguard.outcome"))
                .containsExactlyInAnyOrder(
                        "exhausted",
                        "exhausted",
                        "exhausted",
                        "circuit-open"); // the tenth attempt opened it: its call's retries ended
        Throwable rejected = rejectedCall(url);
        assertThat(rejected)
                .isInstanceOf(ConnectException.class)
                .hasMessageNotContaining("127.0.0.1")
                .hasMessageNotContaining(Integer.toString(port))
                .hasMessageContaining("circuit open");
        assertThat(Collector.clientSpans(port, 11)).hasSize(11);
    }

    @Test
    void aRejectedCallFailsInMillisecondsWithoutTouchingTheUpstreamAndHasItsOwnSpan() {
        breakerUpstream();
        upstream.otherwise(Fault.status(503, "down"));
        String url = upstream.url("/down");
        openTheBreaker(url);
        assertThat(upstream.hits()).isEqualTo(10);

        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            rejectedCall(url);
            millis[i] = (System.nanoTime() - start) / 1_000_000 - driver().fixedWaitMillis();
        }

        java.util.Arrays.sort(millis);
        assertThat(millis[2])
                .as("median ms of 5 rejected calls, all " + java.util.Arrays.toString(millis))
                .isLessThan(20);
        assertThat(upstream.hits()).isEqualTo(10);
        ReceivedSpan span = rejectedSpan(upstream.port());
        assertThat(span.statusCode()).isEqualTo("ERROR");
        assertThat(span.attr("upstreamguard.failure")).isEqualTo("circuit-open");
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("circuit-open");
        assertThat(span.attr("upstreamguard.breaker.state")).isEqualTo("open");
        assertThat(span.attr("upstreamguard.dependency")).isEqualTo(upstream.hostPort());
        assertThat(span.hasAttr("http.response.status_code")).isFalse();
        assertThat(span.hasAttr("upstreamguard.timeout.read_ms")).isFalse();
        // every attempt says what the breaker was when it started
        assertThat(Collector.clientSpans(upstream.port(), 10))
                .filteredOn(s -> !s.hasAttr("error.type") || !"circuit-open".equals(s.attr("error.type")))
                .extracting(s -> s.attr("upstreamguard.breaker.state"))
                .containsOnly("closed");
    }

    @Test
    void halfOpenLetsExactlyOneProbeThroughAtATimeAndSuccessfulProbesCloseIt() throws Exception {
        breakerUpstream();
        upstream.otherwise(Fault.status(503, "down"));
        String url = upstream.url("/recovering");
        openTheBreaker(url);
        upstream.otherwise(Fault.slowHead(Duration.ofMillis(300))); // recovered, slowly: probes stay in flight a while
        Thread.sleep(OPEN_MS + 100);

        for (int probe = 1; probe <= 2; probe++) {
            int before = upstream.hits();
            List<Object> answers = concurrentCalls(url, 20);
            assertThat(answers)
                    .as("probe %d", probe)
                    .filteredOn(a -> a instanceof Integer)
                    .containsExactly(200);
            assertThat(answers)
                    .filteredOn(a -> a instanceof dev.upstreamguard.UpstreamUnavailableException)
                    .hasSize(19);
            assertThat(upstream.hits()).isEqualTo(before + 1);
        }

        // two probes in a row succeeded: closed, every call goes through
        List<Object> answers = concurrentCalls(url, 5);
        assertThat(answers).containsOnly(200);
        List<ReceivedSpan> probes = Collector.receiver()
                .awaitSpans(
                        s -> "CLIENT".equals(s.kind())
                                && Long.valueOf(upstream.port()).equals(s.longAttr("server.port"))
                                && "half-open".equals(s.attr("upstreamguard.breaker.state"))
                                && !s.hasAttr("error.type"),
                        2,
                        Duration.ofSeconds(10));
        assertThat(probes).hasSize(2);
    }

    /** {@code n} calls at once; each answer is the status or the exception. */
    private List<Object> concurrentCalls(String url, int n) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Object>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    try {
                        return (Object) driver().call("GET", url, null).status();
                    } catch (Exception e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            List<Object> answers = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Object> f : futures) {
                answers.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- "never sent" is about the original request only ----

    @Test
    void aPostRedirectedToAnAddressThatRefusesReachesTheFirstServerOnce() throws Exception {
        // post-redirect-get: the order is created, and the receipt is on a server that is down
        int refused = Ports.refusedPort();
        upstream.otherwise(Fault.status(303).withHeader("Location", "http://127.0.0.1:" + refused + "/receipt"));

        Throwable thrown =
                catchThrowable(() -> driver().callFollowingRedirects("POST", upstream.url("/orders"), "{\"id\":3}"));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(upstream.awaitHits(2, Duration.ofMillis(500))).isFalse();
        assertThat(upstream.requests()).extracting(RecordedRequest::method).containsExactly("POST");
        assertThat(Collector.clientSpans(upstream.port(), 1)).hasSize(1);
    }

    @Test
    void aGetRedirectedToAnAddressThatRefusesIsStillRetried() throws Exception {
        int refused = Ports.refusedPort();
        upstream.otherwise(Fault.status(302).withHeader("Location", "http://127.0.0.1:" + refused + "/moved"));

        Throwable thrown = catchThrowable(() -> driver().callFollowingRedirects("GET", upstream.url("/items"), null));

        assertThat(thrown).isInstanceOf(IOException.class);
        // a GET may be sent again; clients that redirect above the agent (Apache 4) retry only the second hop
        assertThat(upstream.hits()).isBetween(1, 3);
    }

    // ---- cancellation is the application's, not the upstream's ----

    @Test
    void aCallCancelledWhileItWaitsForTheHeadIsNotRetriedAndEndsCancelled() throws Exception {
        upstream.otherwise(Fault.hangHead());
        ClientDriver.InFlight call = driver().startCancellable(upstream.url("/slow-report"));
        assertThat(upstream.awaitHits(1, Duration.ofSeconds(5))).isTrue();
        Thread.sleep(50); // let the client settle into its wait for the head

        call.cancel();
        Throwable thrown = call.awaitEnd();

        assertThat(thrown).isNotNull();
        assertThat(upstream.awaitHits(2, Duration.ofMillis(500))).isFalse();
        ReceivedSpan span = Collector.receiver()
                .awaitSpans(
                        s -> "CLIENT".equals(s.kind())
                                && Long.valueOf(upstream.port()).equals(s.longAttr("server.port")),
                        1,
                        Duration.ofSeconds(10))
                .get(0);
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo(driver().cancelledOutcome());
        assertThat(span.hasAttr("upstreamguard.failure")).isFalse();
        assertThat(Collector.spansTo(upstream.port())).hasSize(1);
    }

    // ---- the application's own failures are not upstream resets ----

    @Test
    void theApplicationsOwnBodyFailureIsNotRetriedNorRecordedAsAnUpstreamFailure() throws Exception {
        upstream.otherwise(Fault.ok("stored"));
        java.io.FileNotFoundException missing = new java.io.FileNotFoundException(
                System.getProperty("java.io.tmpdir") + "/upstream-guard-no-such-upload-" + System.nanoTime());
        Object scope = RequestBridge.open(null, null);
        Object previous = RequestBridge.attach(scope);
        Throwable thrown;
        try {
            thrown = driver().callWithFailingBody(upstream.url("/uploads"), missing);
        } finally {
            RequestBridge.detach(previous);
        }

        assertThat(thrown).isNotNull();
        assertThat(causes(thrown)).anyMatch(t -> t instanceof java.io.FileNotFoundException);
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(RequestBridge.lastFailure(scope)).isNull(); // the filter sees no upstream failure
        List<ReceivedSpan> spans = Collector.spansTo(upstream.port());
        assertThat(spans).hasSizeLessThanOrEqualTo(1);
        assertThat(spans).allSatisfy(span -> {
            assertThat(span.hasAttr("upstreamguard.failure")).isFalse();
            assertThat(span.attr("upstreamguard.outcome")).isEqualTo("not-retryable");
        });
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && chain.size() < 10; c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    // ---- timeout.call bounds the whole call (inventory: call 1500ms, read 400ms) ----

    @Test
    void aSlowHeadIsBoundedByTheCallTimeout() throws Exception {
        warmUp();
        upstream.otherwise(Fault.slowHead(SLOW));

        long elapsedMs = timed(() -> catchThrowable(() -> driver().call("GET", inventory("/slow"), null)));

        assertThat(elapsedMs).isLessThanOrEqualTo(CALL_BOUND_MS);
    }

    @Test
    void retriedResponsesWhoseBodyDribblesAreDroppedNotReadToTheEnd() throws Exception {
        warmUp();
        // each 503 page would take 4 s to arrive, one byte per 100 ms
        Fault dribbled = Fault.dribbleBody(503, "x".repeat(40), Duration.ofMillis(100));
        upstream.enqueue(dribbled, dribbled).otherwise(Fault.ok("fine"));
        ClientDriver.Reply[] reply = new ClientDriver.Reply[1];

        long elapsedMs = timed(() -> reply[0] = driver().call("GET", inventory("/report"), null));

        assertThat(reply[0].status()).isEqualTo(200);
        assertThat(reply[0].body()).isEqualTo("fine");
        assertThat(upstream.hits()).isEqualTo(3);
        assertThat(elapsedMs).isLessThanOrEqualTo(CALL_BOUND_MS);
    }

    @Test
    void aConnectThatHangsIsBoundedByTheCallTimeout() throws Exception {
        warmUp();
        try (ConnectHang hang = ConnectHang.start()) {
            long elapsedMs = timed(
                    () -> catchThrowable(() -> driver().call("GET", "http://localhost:" + hang.port() + "/", null)));

            assertThat(elapsedMs).isLessThanOrEqualTo(CALL_BOUND_MS);
            // connects of 500 ms: the third is cut to what is left of the 1500 ms
            List<ReceivedSpan> spans = Collector.clientSpans(hang.port(), 2);
            assertThat(spans)
                    .allSatisfy(s -> assertThat(s.longAttr("upstreamguard.timeout.connect_ms"))
                            .isLessThanOrEqualTo(500L));
        }
    }

    @Test
    void aFailedProbeReopensTheBreakerForLonger() throws Exception {
        breakerUpstream();
        upstream.otherwise(Fault.status(503, "down"));
        String url = upstream.url("/still-down");
        openTheBreaker(url);
        Thread.sleep(OPEN_MS + 100);

        ClientDriver.Reply probe = driver().call("GET", url, null);

        assertThat(probe.status()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(11); // one probe, its retries ended by the re-opened breaker
        Thread.sleep(OPEN_MS + 100); // the first open duration again: not enough now (1.6 s at least)
        rejectedCall(url);
        assertThat(upstream.hits()).isEqualTo(11);
        upstream.otherwise(Fault.ok("back"));
        Thread.sleep(OPEN_MS); // 2.2 s after the failed probe: past the longest re-open (2 s)
        assertThat(driver().call("GET", url, null).status()).isEqualTo(200);
    }

    @Test
    void aProbeThatNeverAnswersIsBoundedByTheCallsOwnReadTimeout() throws Exception {
        breakerUpstream();
        upstream.otherwise(Fault.status(503, "down"));
        String url = upstream.url("/hangs");
        openTheBreaker(url);
        upstream.otherwise(Fault.slowHead(SLOW)); // answers long after every timeout
        Thread.sleep(OPEN_MS + 100);
        long start = System.nanoTime();

        Throwable probe = catchThrowable(() -> driver().call("GET", url, null));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(probe).isInstanceOf(driver().readTimeoutType());
        assertThat(elapsedMs).isBetween(800L, 2_900L); // the 1 s read timeout, one attempt
        rejectedCall(url); // re-opened, not stuck half-open
        upstream.otherwise(Fault.ok("back"));
        Thread.sleep(2 * OPEN_MS + 100);
        assertThat(driver().call("GET", url, null).status()).isEqualTo(200);
    }

    @Test
    void aCallWaitingForAPooledConnectionIsBoundedByTheCallTimeout() throws Exception {
        warmUp();
        int taken = driver().connectionsPerRoute();
        upstream.otherwise(Fault.ok("pooled"));
        try (AutoCloseable held = driver().holdConnections(inventory("/held"), taken)) {
            ClientDriver.Reply[] reply = new ClientDriver.Reply[1];
            Throwable[] thrown = new Throwable[1];

            long elapsedMs = timed(() ->
                    thrown[0] = catchThrowable(() -> reply[0] = driver().call("GET", inventory("/waiting"), null)));

            assertThat(elapsedMs).isLessThanOrEqualTo(CALL_BOUND_MS);
            // clients with a bounded pool give up waiting; the others open one more connection
            assertThat(thrown[0] != null || reply[0].status() == 200).isTrue();
        }
    }

    /** One quick call first, so that the client's classes are loaded and its first-call costs are paid. */
    private void warmUp() throws Exception {
        upstream.enqueue(Fault.ok("warm"));
        assertThat(driver().call("GET", inventory("/warm-up"), null).status()).isEqualTo(200);
        upstream.reset();
    }

    private String inventory(String path) {
        return "http://localhost:" + upstream.port() + path;
    }

    private interface Timed {
        void run() throws Exception;
    }

    /** Runs {@code action} on its own thread, so that a call that never returns fails the test in 10 s. */
    private static long timed(Timed action) {
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    long start = System.nanoTime();
                    try {
                        action.run();
                        done.complete((System.nanoTime() - start) / 1_000_000);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                },
                "timed-call");
        thread.setDaemon(true);
        thread.start();
        try {
            return done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            thread.interrupt();
            throw new AssertionError("the call did not return within 10 s");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
