package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.RecordedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deadlines for one client driver, with the real filter in the loop ({@link DeadlineApp}): the inbound
 * request's deadline caps the guarded calls the application makes for it, a spent deadline fails a call without
 * connecting, and each attempt tells the upstream the time left. Run by every driver's IT through {@link
 * ClientConformanceSuite}. The upstream is {@code deadline.test}, a dependency with the default timeouts
 * ({@code timeout.read} 10 s, {@code timeout.call} 30 s; connect stays at the ITs' 500 ms), so only the
 * deadline can end a call early.
 */
abstract class DeadlineScenarios {

    /** How long the slow dependency holds its answer. */
    static final Duration HOLD = Duration.ofSeconds(3);
    /**
     * What an answer may take beyond the inbound deadline: the reserve is inside the deadline, the rest is this
     * 2-core machine shared by several builds (threads waking late, the JDK client's cancellation of a timed-out
     * exchange on its own busy threads). Generous, and still well under {@link #HOLD}: a 504 within it can only
     * come from the deadline.
     */
    static final long SLACK_MILLIS = 1_500;

    static final String HEADER = "X-Request-Timeout-Ms";

    protected abstract ClientDriver driver();

    private FaultyUpstream upstream;
    private DeadlineApp app;
    private String driverId;

    @BeforeEach
    void start() throws Exception {
        upstream = FaultyUpstream.start();
        app = DeadlineApp.get();
        driverId = DeadlineApp.register(driver());
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private String url(String host, FaultyUpstream on, String path) {
        return "http://" + host + ":" + on.port() + path;
    }

    /** The application's request that calls each URL in turn. */
    private String calls(String context, String extra, String... urls) {
        StringBuilder path = new StringBuilder(context).append("/call?driver=").append(driverId);
        for (String url : urls) {
            path.append("&url=").append(URLEncoder.encode(url, StandardCharsets.UTF_8));
        }
        return path.append(extra).toString();
    }

    private DeadlineApp.Answer slowCall(String context, String... headers) throws Exception {
        upstream.otherwise(Fault.slowHead(HOLD));
        return app.get(calls(context, "", url("deadline.test", upstream, "/slow")), headers);
    }

    private void assertTimedOutWithinTheDeadline(DeadlineApp.Answer answer, long deadlineMillis, String what) {
        System.out.println("DEADLINE-TIMING " + driver().getClass().getSimpleName() + " " + what + " deadline="
                + deadlineMillis + "ms answered=" + answer.millis() + "ms status=" + answer.status()
                + (answer.status() == 504 ? "" : " body=" + answer.body()));
        assertThat(answer.status()).as("the filter's answer: %s", answer.body()).isEqualTo(504);
        assertThat(answer.millis()).as("ms from arrival to the answer").isLessThan(deadlineMillis + SLACK_MILLIS);
        assertThat(upstream.awaitHits(2, Duration.ofMillis(200)))
                .as("a second attempt")
                .isFalse();
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void anInboundDeadlineOf500msAnswers504BeforeTheSlowDependency() throws Exception {
        DeadlineApp.Answer answer = slowCall("/app", HEADER, "500");

        assertTimedOutWithinTheDeadline(answer, 500, "X-Request-Timeout-Ms:500");
    }

    @ParameterizedTest(name = "grpc-timeout: {0}")
    @CsvSource({"500m, 500", "500000u, 500", "99999999n, 100", "1S, 1000"})
    void grpcTimeoutBoundsTheCallInEachShortUnit(String value, long millis) throws Exception {
        DeadlineApp.Answer answer = slowCall("/app", "grpc-timeout", value);

        assertTimedOutWithinTheDeadline(answer, millis, "grpc-timeout:" + value);
    }

    @ParameterizedTest(name = "grpc-timeout: {0}")
    @ValueSource(strings = {"1M", "1H"})
    void grpcTimeoutInMinutesAndHoursIsADeadlineThatTimeoutCallStillCaps(String value) throws Exception {
        upstream.otherwise(Fault.ok("fine"));

        DeadlineApp.Answer answer =
                app.get(calls("/app", "", url("deadline.test", upstream, "/ok")), "grpc-timeout", value);

        assertThat(answer.status()).isEqualTo(200);
        // a deadline is present (so it is propagated), longer than timeout.call=30s, which caps it
        long sent = Long.parseLong(upstream.requests().get(0).header(HEADER));
        assertThat(sent).isLessThanOrEqualTo(30_000).isGreaterThan(30_000 - SLACK_MILLIS);
    }

    @Test
    void theRequestTimeoutInitParamAloneBoundsTheCall() throws Exception {
        DeadlineApp.Answer answer = slowCall("/timed");

        assertTimedOutWithinTheDeadline(answer, 500, "request-timeout=500ms");
    }

    @Test
    void aCallMadeOnceTheDeadlineIsSpentMakesNoConnectionAnd504IsAnswered() throws Exception {
        upstream.otherwise(Fault.ok("first"));
        try (FaultyUpstream second = FaultyUpstream.start()) {
            second.otherwise(Fault.ok("second"));

            // the application works 700 ms after its first call, past the 400 ms deadline
            DeadlineApp.Answer answer = app.get(
                    calls(
                            "/app",
                            "&pause=700",
                            url("deadline.test", upstream, "/first"),
                            url("deadline.test", second, "/second")),
                    HEADER,
                    "400");

            assertThat(answer.status()).isEqualTo(504);
            assertThat(upstream.hits()).isEqualTo(1);
            assertThat(second.awaitHits(1, Duration.ofMillis(200)))
                    .as("a connection to the second")
                    .isFalse();
            assertThat(second.hits()).isZero();
        }
    }

    @Test
    void eachAttemptCarriesTheTimeLeftSmallerOnEachRetry() throws Exception {
        upstream.enqueue(Fault.retryAfter(503, "1")).otherwise(Fault.ok("fine"));

        DeadlineApp.Answer answer =
                app.get(calls("/app", "", url("deadline.test", upstream, "/retried")), HEADER, "5000");

        assertThat(answer.status()).isEqualTo(200);
        List<RecordedRequest> seen = upstream.requests();
        assertThat(seen).hasSize(2);
        long first = Long.parseLong(seen.get(0).header(HEADER));
        long second = Long.parseLong(seen.get(1).header(HEADER));
        assertThat(first).isLessThanOrEqualTo(5_000 - 50).isGreaterThan(5_000 - 50 - SLACK_MILLIS);
        assertThat(second).as("after a 1 s Retry-After").isLessThanOrEqualTo(first - 1_000);
    }

    @Test
    void withPropagationOffTheUpstreamGetsNoHeaderButTheDeadlineStillBounds() throws Exception {
        upstream.otherwise(Fault.slowHead(HOLD));

        DeadlineApp.Answer answer =
                app.get(calls("/app", "", url("unpropagated.test", upstream, "/slow")), HEADER, "500");

        assertThat(answer.status()).isEqualTo(504);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(upstream.requests().get(0).header(HEADER)).isNull();
    }

    @Test
    void withoutADeadlineNoHeaderIsSentAndNothingIsCut() throws Exception {
        upstream.otherwise(Fault.slowHead(Duration.ofMillis(1_200)));

        DeadlineApp.Answer answer = app.get(calls("/app", "", url("deadline.test", upstream, "/slowish")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.millis()).isGreaterThanOrEqualTo(1_200);
        assertThat(upstream.requests().get(0).header(HEADER)).isNull();
    }

    @Test
    void twoGuardedServicesInAChainAnswerWithinTheFirstCallersDeadline() throws Exception {
        upstream.otherwise(Fault.slowHead(HOLD));
        // storefront (this request) -> a second guarded service (the same app, another request) -> the slow upstream
        String second =
                "http://deadline.test:" + app.port() + calls("/app", "", url("deadline.test", upstream, "/slow"));

        DeadlineApp.Answer answer = app.get(calls("/app", "", second), HEADER, "1000");

        System.out.println("DEADLINE-TIMING " + driver().getClass().getSimpleName() + " chain deadline=1000ms answered="
                + answer.millis() + "ms status=" + answer.status());
        assertThat(answer.status()).as("the storefront's answer").isBetween(502, 504);
        assertThat(answer.millis()).isLessThan(1_000 + SLACK_MILLIS);
        assertThat(upstream.awaitHits(2, Duration.ofMillis(200)))
                .as("a second attempt")
                .isFalse();
        // the second service inherited the deadline: it told the slow upstream less than it was told (<= 950)
        long toTheUpstream = Long.parseLong(upstream.requests().get(0).header(HEADER));
        assertThat(toTheUpstream).isLessThanOrEqualTo(1_000 - 50 - 50).isPositive();
    }

    @Test
    void callsOnTheApplicationsOwnExecutorThreadsCarryNoDeadline() throws Exception {
        upstream.otherwise(Fault.ok("fine"));

        DeadlineApp.Answer answer =
                app.get(calls("/app", "&own-thread=true", url("deadline.test", upstream, "/own")), HEADER, "5000");

        // documented: the request scope is not carried to the application's own threads
        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.requests().get(0).header(HEADER)).isNull();
    }
}
