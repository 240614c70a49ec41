package dev.upstreamguard.agent.core;

import static dev.upstreamguard.agent.core.EngineFakes.randoms;
import static dev.upstreamguard.agent.core.EngineFakes.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.agent.core.EngineFakes.FakeClock;
import dev.upstreamguard.agent.core.EngineFakes.FakeResponse;
import dev.upstreamguard.agent.core.EngineFakes.FakeSleeper;
import dev.upstreamguard.agent.core.EngineFakes.RecordedAttempt;
import dev.upstreamguard.agent.core.EngineFakes.RecordingObserver;
import dev.upstreamguard.agent.core.EngineFakes.ScriptedExchange;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The synchronous attempt loop of {@link CallGuard}, driven by a scripted client and a fake clock. */
class CallGuardTest {

    /** Short, distinct numbers so that every computed wait and timeout is easy to check. */
    private static final GuardPolicy POLICY = GuardPolicy.defaults().toBuilder()
            .backoffInitialMillis(100)
            .backoffMaxMillis(1_000)
            .build();

    private final FakeClock clock = new FakeClock();
    private final FakeSleeper sleeper = new FakeSleeper(clock);
    private final ScriptedExchange exchange = new ScriptedExchange(clock);
    private final RecordingObserver observer = new RecordingObserver();

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted(); // never leak an interrupt into the next test
    }

    @AfterEach
    void everyCallEndedExactlyOnce() {
        observer.assertEveryCallEndedOnce();
    }

    private CallGuard guard(GuardPolicy policy) {
        return guard(policy, true, randoms(0.5));
    }

    private CallGuard guard(GuardPolicy policy, boolean enforce, DoubleSupplier random) {
        DependencyResolver resolver = new DependencyResolver(List.of(), policy, Map.of());
        return new CallGuard(resolver, observer, enforce, clock, sleeper, random);
    }

    private static CallRequest request(String method, boolean replayable) {
        return new CallRequest(
                method, "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", replayable);
    }

    private static CallRequest get() {
        return request("GET", true);
    }

    private static CallRequest post() {
        return request("POST", true);
    }

    @Test
    void successOnFirstAttemptReturnsTheResponseWithoutWaiting() throws Throwable {
        FakeResponse ok = response(200);
        exchange.then(ok);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(ok);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(exchange.discarded).isEmpty();
        RecordedAttempt only = observer.attempt(1);
        assertThat(only.ends).isEqualTo(1);
        assertThat(only.status).isEqualTo(200);
        assertThat(only.error).isNull();
        assertThat(only.failure).isNull();
        assertThat(only.outcome).isEqualTo(Outcome.SUCCESS);
        assertThat(only.wouldRetry).isFalse();
    }

    @Test
    void retriesTwo503sAndReturnsThe200OfTheThirdAttempt() throws Throwable {
        FakeResponse first = response(503);
        FakeResponse second = response(503);
        FakeResponse ok = response(200);
        exchange.then(first, second, ok);

        FakeResponse result = guard(POLICY, true, randoms(0.25, 0.99)).execute(get(), exchange);

        assertThat(result).isSameAs(ok);
        assertThat(exchange.attempts).extracting(Attempt::number).containsExactly(1, 2, 3);
        assertThat(observer.attempts).extracting(a -> a.number).containsExactly(1, 2, 3);
        // full jitter: retry n waits floor(random * (ceiling + 1)), ceiling = min(max, initial * 2^(n-1))
        assertThat(sleeper.sleeps)
                .containsExactly((long) Math.floor(0.25 * (100 + 1)), (long) Math.floor(0.99 * (200 + 1)));
    }

    @Test
    void backoffSleepsStayWithinTheJitterCeilingOfEachRetry() throws Throwable {
        GuardPolicy policy = POLICY.toBuilder().maxAttempts(6).build();
        exchange.statuses(503, 503, 503, 503, 503, 200);

        guard(policy, true, randoms(0.999_999)).execute(get(), exchange);

        assertThat(sleeper.sleeps).hasSize(5);
        for (int retry = 1; retry <= 5; retry++) {
            long ceiling = Math.min(1_000, 100L << (retry - 1));
            assertThat(sleeper.sleeps.get(retry - 1))
                    .as("wait before retry %d", retry)
                    .isBetween(0L, ceiling);
        }
        // a random just below 1 reaches each ceiling: 100, 200, 400, 800 and then the 1s cap
        assertThat(sleeper.sleeps).containsExactly(100L, 200L, 400L, 800L, 1_000L);
    }

    @Test
    void retriedAttemptsEndWithoutOutcomeAndOnlyTheLastCarriesIt() throws Throwable {
        exchange.statuses(503, 502, 200);

        guard(POLICY).execute(get(), exchange);

        RecordedAttempt first = observer.attempt(1);
        assertThat(first.status).isEqualTo(503);
        assertThat(first.failure).isEqualTo(FailureKind.STATUS);
        assertThat(first.outcome).isNull();
        assertThat(first.wouldRetry).isFalse();
        RecordedAttempt second = observer.attempt(2);
        assertThat(second.status).isEqualTo(502);
        assertThat(second.failure).isEqualTo(FailureKind.STATUS);
        assertThat(second.outcome).isNull();
        RecordedAttempt third = observer.attempt(3);
        assertThat(third.status).isEqualTo(200);
        assertThat(third.failure).isNull();
        assertThat(third.outcome).isEqualTo(Outcome.SUCCESS);
        assertThat(observer.attempts).allSatisfy(a -> assertThat(a.ends).isEqualTo(1));
    }

    @Test
    void persistent503ReturnsTheLast503AfterMaxAttempts() throws Throwable {
        FakeResponse last = response(503);
        exchange.then(response(503), response(503), last);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(last);
        assertThat(exchange.attempts).hasSize(POLICY.maxAttempts());
        assertThat(observer.last().outcome).isEqualTo(Outcome.EXHAUSTED);
        assertThat(observer.last().failure).isEqualTo(FailureKind.STATUS);
        assertThat(sleeper.sleeps).hasSize(2);
    }

    @Test
    void everyRetriedResponseIsDiscardedAndTheReturnedOneIsNot() throws Throwable {
        FakeResponse first = response(503);
        FakeResponse second = response(504);
        FakeResponse last = response(503);
        exchange.then(first, second, last);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(last);
        assertThat(exchange.discarded).containsExactly(first, second);
    }

    @Test
    void maxAttemptsOfOneTurnsRetriesOff() throws Throwable {
        exchange.statuses(503);

        FakeResponse result = guard(POLICY.toBuilder().maxAttempts(1).build()).execute(get(), exchange);

        assertThat(result.status).isEqualTo(503);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.last().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void postIsNotRetriedAfterAResponseCame() throws Throwable {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable);

        FakeResponse result = guard(POLICY).execute(post(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(exchange.discarded).isEmpty();
        assertThat(observer.last().outcome).isEqualTo(Outcome.NON_IDEMPOTENT);
    }

    @Test
    void postIsNotRetriedAfterAReadTimeoutSinceTheRequestMayHaveArrived() {
        SocketTimeoutException readTimeout = new SocketTimeoutException("Read timed out");
        exchange.then(readTimeout);

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(post(), exchange));

        assertThat(thrown).isSameAs(readTimeout);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.last().failure).isEqualTo(FailureKind.TIMEOUT);
        assertThat(observer.last().outcome).isEqualTo(Outcome.NON_IDEMPOTENT);
    }

    @Test
    void postIsRetriedAfterAConnectFailureBecauseItWasNeverSent() throws Throwable {
        FakeResponse ok = response(200);
        exchange.then(new ConnectException("Connection refused"), ok);

        FakeResponse result = guard(POLICY).execute(post(), exchange);

        assertThat(result).isSameAs(ok);
        assertThat(exchange.attempts).hasSize(2);
        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(observer.attempt(1).outcome).isNull();
    }

    @Test
    void aTlsHandshakeFailureIsAConnectFailureThatIsNeverRetried() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        exchange.then(untrusted, response(200));

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(thrown).isSameAs(untrusted);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(observer.last().failure).isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(observer.last().outcome).isEqualTo(Outcome.NOT_RETRYABLE);
    }

    @Test
    void postIsRetriedAfterAnErrorTheAdapterSaysHappenedWhileConnecting() throws Throwable {
        IOException whileConnecting = new IOException("handshake aborted");
        exchange.connectPhaseError(whileConnecting).then(whileConnecting, response(200));

        FakeResponse result = guard(POLICY).execute(post(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void requestWithABodyThatCannotBeReplayedIsNeverRetried() throws Throwable {
        exchange.statuses(503);

        FakeResponse result = guard(POLICY).execute(request("PUT", false), exchange);

        assertThat(result.status).isEqualTo(503);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.last().outcome).isEqualTo(Outcome.NOT_REPLAYABLE);
    }

    @Test
    void status500IsNotRetriedWhenRetryOnDoesNotListIt() throws Throwable {
        exchange.statuses(500);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result.status).isEqualTo(500);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.last().failure).isEqualTo(FailureKind.STATUS);
        assertThat(observer.last().outcome).isEqualTo(Outcome.NOT_RETRYABLE);
    }

    @Test
    void status429IsNotRetriedByDefault() throws Throwable {
        exchange.statuses(429);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result.status).isEqualTo(429);
        assertThat(exchange.attempts).hasSize(1);
    }

    @Test
    void status429IsRetriedWhenRetryOnListsIt() throws Throwable {
        GuardPolicy policy = POLICY.toBuilder().retryOn(RetryOn.parse("429")).build();
        exchange.statuses(429, 200);

        FakeResponse result = guard(policy).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(exchange.attempts).hasSize(2);
        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.STATUS);
    }

    @Test
    void theApplicationsOwnRetrySettingKeepsItsLargerNumberOfAttemptsAndItsLongerWaits() throws Throwable {
        // the application asked its client for 5 re-sends 1 s apart; the agent's own are 3 attempts of ~50 ms
        exchange.appRetries(5, 1_000).statuses(503, 503, 503, 503, 200);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(exchange.attempts).extracting(Attempt::number).containsExactly(1, 2, 3, 4, 5);
        assertThat(sleeper.sleeps).containsExactly(1_000L, 1_000L, 1_000L, 1_000L);
        assertThat(observer.attempt(5).outcome).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void theApplicationsSmallerRetrySettingNeitherCutsTheAgentsAttemptsNorItsLongerWaits() throws Throwable {
        exchange.appRetries(1, 10).then(response(503), response(503, "Retry-After", "2"), response(503));

        FakeResponse result = guard(POLICY, true, randoms(0.99)).execute(get(), exchange);

        assertThat(result.status).isEqualTo(503);
        assertThat(exchange.attempts).hasSize(3);
        assertThat(sleeper.sleeps).containsExactly((long) Math.floor(0.99 * 101), 2_000L);
        assertThat(observer.attempt(3).outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void theApplicationsRetrySettingLiftsNeitherTheMethodRuleNorTheDeadline() throws Throwable {
        exchange.appRetries(5, 1_000).statuses(503);

        FakeResponse posted = guard(POLICY).execute(post(), exchange);

        assertThat(posted.status).isEqualTo(503);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.NON_IDEMPOTENT);

        ScriptedExchange slow =
                new ScriptedExchange(clock).appRetries(100, 10_000).statuses(503, 503, 503, 503, 503);
        FakeResponse last =
                guard(POLICY.toBuilder().callTimeoutMillis(35_000).build()).execute(get(), slow);

        assertThat(last.status).isEqualTo(503);
        // past the agent's 3 attempts: at 0, 10, 20 and 30 s; a fifth at 40 s would pass the 35 s call timeout
        assertThat(slow.attempts).hasSize(4);
    }

    @Test
    void retryAfterInSecondsReplacesTheBackoff() throws Throwable {
        exchange.then(response(503, "Retry-After", "2"), response(200));

        guard(POLICY).execute(get(), exchange);

        assertThat(sleeper.sleeps).containsExactly(2_000L);
    }

    @Test
    void retryAfterAsAnHttpDateWaitsUntilThatDate() throws Throwable {
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(clock.epochMillis() + 3_000).atOffset(ZoneOffset.UTC));
        exchange.then(response(503, "Retry-After", inThreeSeconds), response(200));

        guard(POLICY).execute(get(), exchange);

        assertThat(sleeper.sleeps).containsExactly(3_000L);
    }

    @Test
    void retryAfterEqualToTheMaximumIsStillHonoured() throws Throwable {
        exchange.then(response(503, "Retry-After", "5"), response(200));

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(sleeper.sleeps).containsExactly(5_000L);
    }

    @Test
    void retryAfterAboveTheMaximumEndsTheRetries() throws Throwable {
        FakeResponse busy = response(503, "Retry-After", "6");
        exchange.then(busy);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(busy);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(observer.last().outcome).isEqualTo(Outcome.RETRY_AFTER_TOO_LONG);
    }

    @Test
    void unreadableRetryAfterFallsBackToTheBackoff() throws Throwable {
        exchange.then(response(503, "Retry-After", "soon"), response(200));

        guard(POLICY, true, randoms(0.5)).execute(get(), exchange);

        assertThat(sleeper.sleeps).containsExactly((long) Math.floor(0.5 * 101));
    }

    @Test
    void noAttemptStartsOnceTheCallTimeoutHasPassedAndReadTimeoutsShrinkToTheTimeLeft() throws Throwable {
        GuardPolicy policy =
                POLICY.toBuilder().callTimeoutMillis(1_000).maxAttempts(10).build();
        exchange.eachAttemptTakes(400).statuses(503, 503, 503, 503);

        FakeResponse result = guard(policy, true, randoms(0.0)).execute(get(), exchange);

        // attempts start at 0, 400 and 800 ms; the third ends at 1200 ms, past the 1 s deadline
        assertThat(result.status).isEqualTo(503);
        assertThat(exchange.attempts).extracting(Attempt::readTimeoutMillis).containsExactly(1_000L, 600L, 200L);
        assertThat(observer.attempts).extracting(a -> a.readTimeoutMillis).containsExactly(1_000L, 600L, 200L);
        assertThat(observer.last().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void aRetryWhoseWaitWouldEndAfterTheCallTimeoutIsNotStarted() throws Throwable {
        GuardPolicy policy = POLICY.toBuilder().callTimeoutMillis(1_500).build();
        exchange.then(response(503, "Retry-After", "2"));

        FakeResponse result = guard(policy).execute(get(), exchange);

        assertThat(result.status).isEqualTo(503);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(observer.last().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void effectiveTimeoutsAreThePolicyWhenTheApplicationSetsNone() throws Throwable {
        exchange.appTimeouts(0, 0).statuses(200);

        guard(POLICY).execute(get(), exchange);

        Attempt attempt = exchange.attempts.get(0);
        assertThat(attempt.connectTimeoutMillis()).isEqualTo(2_000);
        assertThat(attempt.readTimeoutMillis()).isEqualTo(10_000);
        assertThat(observer.attempt(1).connectTimeoutMillis).isEqualTo(2_000);
        assertThat(observer.attempt(1).readTimeoutMillis).isEqualTo(10_000);
    }

    @Test
    void shorterApplicationTimeoutsAreKept() throws Throwable {
        exchange.appTimeouts(500, 3_000).statuses(200);

        guard(POLICY).execute(get(), exchange);

        assertThat(exchange.attempts.get(0).connectTimeoutMillis()).isEqualTo(500);
        assertThat(exchange.attempts.get(0).readTimeoutMillis()).isEqualTo(3_000);
    }

    @Test
    void longerApplicationTimeoutsAreCappedByThePolicy() throws Throwable {
        exchange.appTimeouts(60_000, 120_000).statuses(200);

        guard(POLICY).execute(get(), exchange);

        assertThat(exchange.attempts.get(0).connectTimeoutMillis()).isEqualTo(2_000);
        assertThat(exchange.attempts.get(0).readTimeoutMillis()).isEqualTo(10_000);
    }

    @Test
    void attemptsCarryTheObserversTraceHeadersAndEnforce() throws Throwable {
        exchange.statuses(503, 200);

        guard(POLICY).execute(get(), exchange);

        assertThat(exchange.attempts)
                .extracting(Attempt::traceparent)
                .containsExactly(
                        observer.attempt(1).traceparent(), observer.attempt(2).traceparent())
                .doesNotHaveDuplicates();
        assertThat(exchange.attempts).extracting(Attempt::tracestate).containsExactly("vendor=1", "vendor=2");
        assertThat(exchange.attempts).allSatisfy(a -> assertThat(a.enforce()).isTrue());
    }

    @Test
    void lastExceptionIsThrownWithTheEarlierOnesSuppressedInOrder() {
        ConnectException first = new ConnectException("refused 1");
        ConnectException second = new ConnectException("refused 2");
        ConnectException third = new ConnectException("refused 3");
        exchange.then(first, second, third);

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(thrown).isSameAs(third);
        assertThat(thrown.getSuppressed()).containsExactly(first, second);
        assertThat(observer.last().error).isSameAs(third);
        assertThat(observer.last().failure).isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(observer.last().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void earlierExceptionsAreDroppedWhenTheLastAttemptGivesAResponse() throws Throwable {
        exchange.then(new ConnectException("refused"), response(200));

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
    }

    @Test
    void anExceptionThatIsNoUpstreamFailureIsThrownAtOnce() {
        IllegalArgumentException misuse = new IllegalArgumentException("bad header");
        exchange.then(misuse);

        assertThatThrownBy(() -> guard(POLICY).execute(get(), exchange)).isSameAs(misuse);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.last().failure).isNull();
        assertThat(observer.last().outcome).isEqualTo(Outcome.NOT_RETRYABLE);
    }

    @Test
    void interruptedBackoffStopsRetryingReturnsTheLastResponseAndKeepsTheInterrupt() throws Throwable {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable);
        sleeper.interruptOnSleep(1);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(exchange.discarded).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void interruptedBackoffAfterAnExceptionRethrowsIt() {
        ConnectException first = new ConnectException("refused 1");
        ConnectException second = new ConnectException("refused 2");
        exchange.then(first, second);
        sleeper.interruptOnSleep(2);

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(thrown).isSameAs(second);
        assertThat(thrown.getSuppressed()).containsExactly(first);
        assertThat(exchange.attempts).hasSize(2);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void spentRetryBudgetStopsTheRetries() throws Throwable {
        // 100% of one request and nothing per second: exactly one retry is allowed
        GuardPolicy policy =
                POLICY.toBuilder().budgetPercent(100).budgetMinPerSecond(0).build();
        FakeResponse second = response(503);
        exchange.then(response(503), second);

        FakeResponse result = guard(policy).execute(get(), exchange);

        assertThat(result).isSameAs(second);
        assertThat(exchange.attempts).hasSize(2);
        assertThat(observer.last().outcome).isEqualTo(Outcome.BUDGET_EXHAUSTED);
    }

    @Test
    void retryBudgetCountsTheRequestsOfEveryCallToTheDependency() throws Throwable {
        // 50% of the requests and nothing per second: one call earns half a retry, two calls one
        GuardPolicy policy =
                POLICY.toBuilder().budgetPercent(50).budgetMinPerSecond(0).build();
        CallGuard guard = guard(policy);
        exchange.statuses(503, 503, 200);

        FakeResponse firstCall = guard.execute(get(), exchange);
        FakeResponse secondCall = guard.execute(get(), exchange);

        assertThat(firstCall.status).isEqualTo(503);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.BUDGET_EXHAUSTED);
        assertThat(secondCall.status).isEqualTo(200);
        assertThat(exchange.attempts).hasSize(3);
    }

    @Test
    void observeModeRunsOneAttemptAndRecordsThatItWouldRetry() throws Throwable {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable);

        FakeResponse result = guard(POLICY, false, randoms(0.5)).execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(exchange.attempts.get(0).enforce()).isFalse();
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(exchange.discarded).isEmpty();
        RecordedAttempt only = observer.attempt(1);
        assertThat(only.ends).isEqualTo(1);
        assertThat(only.wouldRetry).isTrue();
        assertThat(only.failure).isEqualTo(FailureKind.STATUS);
        assertThat(only.outcome).isNotNull();
    }

    @Test
    void observeModeRecordsNoWouldRetryWhenTheCallSucceeds() throws Throwable {
        exchange.statuses(200);

        guard(POLICY, false, randoms(0.5)).execute(get(), exchange);

        assertThat(observer.last().wouldRetry).isFalse();
        assertThat(observer.last().outcome).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void observeModeThrowsTheFirstExceptionWithoutRetrying() {
        ConnectException refused = new ConnectException("refused");
        exchange.then(refused);

        Throwable thrown =
                catchThrowable(() -> guard(POLICY, false, randoms(0.5)).execute(get(), exchange));

        assertThat(thrown).isSameAs(refused);
        assertThat(thrown.getSuppressed()).isEmpty();
        assertThat(observer.last().wouldRetry).isTrue();
    }

    @Test
    void anAdapterThatFailsReadingItsSettingsRunsOneUnguardedAttempt() throws Throwable {
        FakeResponse unavailable = response(503);
        exchange.appSettingsThrow(new IllegalStateException("adapter bug")).then(unavailable);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).containsExactly(Attempt.UNGUARDED);
        assertThat(Attempt.UNGUARDED.enforce()).isFalse();
        assertThat(Attempt.UNGUARDED.traceparent()).isNull();
    }

    @Test
    void theCallIsRecordedOnceWithItsResolvedDependency() throws Throwable {
        exchange.statuses(503, 200);

        guard(POLICY).execute(get(), exchange);

        assertThat(observer.calls).hasSize(1);
        assertThat(observer.dependencies.get(0).name()).isEqualTo("inventory.internal:8080");
        assertThat(observer.dependencies.get(0).named()).isFalse();
    }

    // ---- one end on every path ----

    @Test
    void anInterruptedBackoffEndsTheCallAsInterruptedOnTheLastSpan() throws Throwable {
        exchange.then(response(503));
        sleeper.interruptOnSleep(1);

        guard(POLICY).execute(get(), exchange);

        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.STATUS);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.INTERRUPTED);
        EngineFakes.RecordedEnd end = observer.ended();
        assertThat(end.outcome).isEqualTo(Outcome.INTERRUPTED);
        assertThat(end.failure).isEqualTo(FailureKind.STATUS);
        assertThat(end.attempts).isEqualTo(1);
        assertThat(end.status).isEqualTo(503);
    }

    @Test
    void anAttemptInterruptedInsideTheClientIsNoUpstreamFailure() {
        InterruptedException interrupted = new InterruptedException();
        exchange.then(interrupted);

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(thrown).isSameAs(interrupted);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.attempt(1).failure).isNull();
        assertThat(observer.ended().outcome).isEqualTo(Outcome.INTERRUPTED);
        assertThat(observer.ended().failure).isNull();
    }

    @Test
    void anInternalErrorStartingARetryStillEndsTheCallAndItsLastSpan() throws Throwable {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable);
        CallGuard guard = guard(POLICY);
        // the second reading of the application's settings (for the retry) fails, as an adapter bug would
        exchange.onAttemptEnd(() -> exchange.appSettingsThrow(new IllegalStateException("adapter bug")));

        FakeResponse result = guard.execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.EXHAUSTED);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void anUnguardedCallIsStillReportedAsEnded() throws Throwable {
        exchange.appSettingsThrow(new IllegalStateException("adapter bug")).then(response(200));

        guard(POLICY).execute(get(), exchange);

        assertThat(observer.ended().outcome).isEqualTo(Outcome.SUCCESS);
    }

    // ---- cancellation is not an upstream failure ----

    @Test
    void aCallCancelledDuringAnAttemptIsNotRetriedAndSpendsNoBudget() {
        // a budget of exactly one retry: were the cancellation taken for a reset, the retry would spend it
        GuardPolicy policy =
                POLICY.toBuilder().budgetPercent(100).budgetMinPerSecond(0).build();
        CallGuard guard = guard(policy);
        IOException canceled = new IOException("Canceled");
        exchange.then(canceled).onAttemptEnd(() -> exchange.cancel(false));

        Throwable thrown = catchThrowable(() -> guard.execute(get(), exchange));

        assertThat(thrown).isSameAs(canceled);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(observer.attempt(1).failure).isNull();
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.CANCELLED);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.CANCELLED);
        assertThat(observer.ended().failure).isNull();
        assertThat(observer.dependencies.get(0).budget().tryAcquireRetry(clock.nanoTime()))
                .isTrue();
    }

    @Test
    void theClientsOwnCallTimeoutIsATimeoutThatEndsTheCall() {
        exchange.then(new java.net.SocketException("Socket closed")).onAttemptEnd(() -> exchange.cancel(true));

        catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.TIMEOUT);
        assertThat(observer.ended().failure).isEqualTo(FailureKind.TIMEOUT);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.CANCELLED);
    }

    @Test
    void aCallCancelledDuringTheBackoffStartsNoFurtherAttempt() throws Throwable {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable, response(200));
        CallGuard guard = guard(POLICY);
        sleeper.onSleep(() -> exchange.cancel(false)); // the application cancels while the retry waits

        FakeResponse result = guard.execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.CANCELLED);
        assertThat(observer.ended().failure).isEqualTo(FailureKind.STATUS);
    }

    // ---- the application's own failures ----

    @Test
    void theApplicationsOwnIOExceptionIsNotRetriedNorAnUpstreamFailure() {
        java.io.FileNotFoundException missing = new java.io.FileNotFoundException("/data/upload.bin");
        exchange.then(missing).applicationsOwn(missing);

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(thrown).isSameAs(missing);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.attempt(1).failure).isNull();
        assertThat(observer.ended().failure).isNull();
        assertThat(observer.ended().outcome).isEqualTo(Outcome.NOT_RETRYABLE);
    }

    // ---- "never sent" is about the original request only ----

    @Test
    void aPostWhoseFollowedRedirectCouldNotConnectIsNotSentAgain() {
        ConnectException redirectTargetRefused = new ConnectException("Connection refused");
        exchange.then(redirectTargetRefused).sentBefore(redirectTargetRefused);

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(post(), exchange));

        assertThat(thrown).isSameAs(redirectTargetRefused);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.NON_IDEMPOTENT);
    }

    @Test
    void aGetWhoseFollowedRedirectCouldNotConnectIsStillRetried() throws Throwable {
        ConnectException redirectTargetRefused = new ConnectException("Connection refused");
        FakeResponse ok = response(200);
        exchange.then(redirectTargetRefused, ok).sentBefore(redirectTargetRefused);

        assertThat(guard(POLICY).execute(get(), exchange)).isSameAs(ok);
    }

    // ---- timeout.call is an overall bound ----

    @Test
    void theConnectTimeoutShrinksToTheCallsTimeLeft() throws Throwable {
        GuardPolicy policy = POLICY.toBuilder()
                .callTimeoutMillis(1_000)
                .connectTimeoutMillis(500)
                .readTimeoutMillis(400)
                .maxAttempts(10)
                .build();
        exchange.eachAttemptTakes(400).statuses(503, 503, 503);

        guard(policy, true, randoms(0.0)).execute(get(), exchange);

        // attempts start at 0, 400 and 800 ms of a 1 s call
        assertThat(exchange.attempts).extracting(Attempt::connectTimeoutMillis).containsExactly(500L, 500L, 200L);
        assertThat(exchange.attempts).extracting(Attempt::callTimeLeftMillis).containsExactly(1_000L, 600L, 200L);
        assertThat(observer.attempts).extracting(a -> a.connectTimeoutMillis).containsExactly(500L, 500L, 200L);
    }

    @Test
    void noRetryStartsWithLessThanTheMinimumLeft() throws Throwable {
        // 950 ms of a 1 s call are gone after the first attempt: 50 ms left, under the 100 ms minimum
        GuardPolicy policy =
                POLICY.toBuilder().callTimeoutMillis(1_000).maxAttempts(10).build();
        FakeResponse unavailable = response(503);
        exchange.eachAttemptTakes(950).then(unavailable);

        FakeResponse result = guard(policy, true, randoms(0.0)).execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void aRetryStartsWhenExactlyTheMinimumIsLeftAfterItsWait() throws Throwable {
        GuardPolicy policy =
                POLICY.toBuilder().callTimeoutMillis(1_000).maxAttempts(2).build();
        exchange.eachAttemptTakes(900).statuses(503, 200);

        FakeResponse result = guard(policy, true, randoms(0.0)).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(exchange.attempts.get(1).callTimeLeftMillis()).isEqualTo(CallGuard.MIN_ATTEMPT_MILLIS);
    }

    @Test
    void theMinimumIsTheReadTimeoutWhenThatIsShorter() throws Throwable {
        GuardPolicy policy = POLICY.toBuilder()
                .callTimeoutMillis(1_000)
                .readTimeoutMillis(30)
                .maxAttempts(2)
                .build();
        exchange.eachAttemptTakes(960).statuses(503, 200);

        FakeResponse result = guard(policy, true, randoms(0.0)).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(exchange.attempts.get(1).readTimeoutMillis()).isEqualTo(30L);
    }
}
