package dev.upstreamguard.agent.core;

import static dev.upstreamguard.agent.core.EngineFakes.randoms;
import static dev.upstreamguard.agent.core.EngineFakes.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.agent.core.EngineFakes.FakeClock;
import dev.upstreamguard.agent.core.EngineFakes.FakeResponse;
import dev.upstreamguard.agent.core.EngineFakes.FakeSleeper;
import dev.upstreamguard.agent.core.EngineFakes.RecordingObserver;
import dev.upstreamguard.agent.core.EngineFakes.ScriptedExchange;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous attempt loop of {@link CallGuard}: the same scenarios as {@link CallGuardTest}, with
 * retries scheduled on a fake sleeper whose tasks the test runs.
 */
class CallGuardAsyncTest {

    private static final GuardPolicy POLICY = GuardPolicy.defaults().toBuilder()
            .backoffInitialMillis(100)
            .backoffMaxMillis(1_000)
            .build();

    private final FakeClock clock = new FakeClock();
    private final FakeSleeper sleeper = new FakeSleeper(clock);
    private final ScriptedExchange exchange = new ScriptedExchange(clock);
    private final RecordingObserver observer = new RecordingObserver();

    @org.junit.jupiter.api.AfterEach
    void everyCallEndedExactlyOnce() {
        observer.assertEveryCallEndedOnce();
    }

    private CallGuard guard(GuardPolicy policy) {
        return guard(policy, true);
    }

    private CallGuard guard(GuardPolicy policy, boolean enforce) {
        DependencyResolver resolver = new DependencyResolver(List.of(), policy, Map.of());
        return new CallGuard(resolver, observer, enforce, clock, sleeper, randoms(0.25, 0.99));
    }

    private static CallRequest request(String method) {
        return new CallRequest(
                method, "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", true);
    }

    @Test
    void successOnFirstAttemptCompletesAtOnce() {
        FakeResponse ok = response(200);
        exchange.then(ok);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);

        assertThat(result).isCompletedWithValue(ok);
        assertThat(sleeper.pendingTasks()).isZero();
        assertThat(observer.last().outcome).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void retriesTwo503sOnScheduledTasksAndCompletesWithThe200() {
        FakeResponse first = response(503);
        FakeResponse second = response(503);
        FakeResponse ok = response(200);
        exchange.then(first, second, ok);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);

        assertThat(result).isNotDone();
        assertThat(exchange.attempts).hasSize(1);
        sleeper.runNextScheduled();
        assertThat(exchange.attempts).hasSize(2);
        sleeper.runNextScheduled();
        assertThat(result).isCompletedWithValue(ok);
        assertThat(exchange.attempts).extracting(Attempt::number).containsExactly(1, 2, 3);
        assertThat(sleeper.scheduledDelays)
                .containsExactly((long) Math.floor(0.25 * 101), (long) Math.floor(0.99 * 201));
        assertThat(exchange.discarded).containsExactly(first, second);
        assertThat(observer.attempts).extracting(a -> a.outcome).containsExactly(null, null, Outcome.SUCCESS);
    }

    @Test
    void persistent503CompletesWithTheLast503() {
        FakeResponse last = response(503);
        exchange.then(response(503), response(503), last);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        sleeper.runAllScheduled();

        assertThat(result).isCompletedWithValue(last);
        assertThat(exchange.attempts).hasSize(3);
        assertThat(exchange.discarded).doesNotContain(last).hasSize(2);
        assertThat(observer.last().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void postAnswered503IsNotRetried() {
        exchange.statuses(503);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("POST"), exchange);

        assertThat(result).isDone();
        assertThat(result.join().status).isEqualTo(503);
        assertThat(sleeper.pendingTasks()).isZero();
        assertThat(observer.last().outcome).isEqualTo(Outcome.NON_IDEMPOTENT);
    }

    @Test
    void lastExceptionFailsTheFutureWithTheEarlierOnesSuppressed() {
        ConnectException first = new ConnectException("refused 1");
        ConnectException second = new ConnectException("refused 2");
        ConnectException third = new ConnectException("refused 3");
        exchange.then(first, second, third);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("POST"), exchange);
        sleeper.runAllScheduled();

        Throwable thrown = catchThrowable(result::get);
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isSameAs(third);
        assertThat(third.getSuppressed()).containsExactly(first, second);
        assertThat(exchange.attempts).hasSize(3);
    }

    @Test
    void anExceptionWrappedInCompletionExceptionIsClassifiedByItsCause() {
        ConnectException refused = new ConnectException("refused");
        FakeResponse ok = response(200);
        exchange.then(new CompletionException(refused), ok);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        sleeper.runAllScheduled();

        assertThat(result).isCompletedWithValue(ok);
        assertThat(observer.attempt(1).failure).isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(observer.attempt(1).error).isSameAs(refused);
    }

    @Test
    void retryAfterIsTheScheduledDelay() {
        exchange.then(response(503, "Retry-After", "3"), response(200));

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        sleeper.runAllScheduled();

        assertThat(result.join().status).isEqualTo(200);
        assertThat(sleeper.scheduledDelays).containsExactly(3_000L);
    }

    @Test
    void cancellingDuringTheBackoffStopsFurtherAttemptsAndDiscardsTheResponse() {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable, response(200));

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        assertThat(sleeper.pendingTasks()).isEqualTo(1);
        result.cancel(true);
        sleeper.runAllScheduled();

        assertThat(result).isCancelled();
        assertThat(exchange.attempts).hasSize(1);
        assertThat(exchange.discarded).containsExactly(unavailable);
    }

    @Test
    void cancellingDuringAnAttemptCancelsTheAttemptInFlight() {
        exchange.asyncLeavesPending();

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        result.cancel(true);

        assertThat(exchange.pendingFutures).hasSize(1);
        assertThat(exchange.pendingFutures.get(0)).isCancelled();
        assertThat(sleeper.pendingTasks()).isZero();
    }

    @Test
    void cancellingDuringAnAttemptStillEndsThatAttemptsSpan() {
        // CallObserver.AttemptTrace: "end is called exactly once"; start and end are always paired
        exchange.asyncLeavesPending();

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        result.cancel(true);

        assertThat(observer.attempts).hasSize(1);
        assertThat(observer.attempt(1).ends).isEqualTo(1);
    }

    @Test
    void observeModeRunsOneAsyncAttempt() {
        FakeResponse unavailable = response(503);
        exchange.then(unavailable);

        CompletableFuture<FakeResponse> result = guard(POLICY, false).executeAsync(request("GET"), exchange);

        assertThat(result).isCompletedWithValue(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(exchange.attempts.get(0).enforce()).isFalse();
        assertThat(sleeper.pendingTasks()).isZero();
        assertThat(observer.last().wouldRetry).isTrue();
    }

    @Test
    void anAdapterThatFailsReadingItsSettingsRunsOneUnguardedAsyncAttempt() {
        FakeResponse unavailable = response(503);
        exchange.appSettingsThrow(new IllegalStateException("adapter bug")).then(unavailable);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);

        assertThat(result).isCompletedWithValue(unavailable);
        assertThat(exchange.attempts).containsExactly(Attempt.UNGUARDED);
    }

    // ---- a cancelled future ends the call as cancelled, once ----

    @Test
    void cancellingDuringTheBackoffEndsTheCallAsCancelledAtOnce() {
        exchange.then(response(503), response(200));

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        result.cancel(true);

        // before the scheduled retry runs: the call has ended, its last span carries the outcome
        assertThat(observer.ended().outcome).isEqualTo(Outcome.CANCELLED);
        assertThat(observer.ended().failure).isEqualTo(FailureKind.STATUS);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.CANCELLED);
        sleeper.runAllScheduled();
        assertThat(exchange.attempts).hasSize(1);
    }

    @Test
    void cancellingDuringAnAttemptIsNoUpstreamFailureAndSpendsNoBudget() {
        GuardPolicy policy =
                POLICY.toBuilder().budgetPercent(100).budgetMinPerSecond(0).build();
        exchange.asyncLeavesPending();

        CompletableFuture<FakeResponse> result = guard(policy).executeAsync(request("GET"), exchange);
        result.cancel(true);

        assertThat(observer.attempt(1).failure).isNull();
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.CANCELLED);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.CANCELLED);
        assertThat(observer.ended().failure).isNull();
        assertThat(sleeper.pendingTasks()).isZero();
        assertThat(observer.dependencies.get(0).budget().tryAcquireRetry(clock.nanoTime()))
                .isTrue();
    }

    @Test
    void anAttemptFailingAfterTheApplicationCompletedTheFutureItselfEndsTheCallOnce() {
        exchange.asyncLeavesPending();

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        result.complete(response(200)); // the application's own doing: CompletableFuture is writable
        exchange.pendingFutures.get(0).completeExceptionally(new ConnectException("refused"));

        assertThat(exchange.pendingFutures.get(0)).isCompletedExceptionally();
        assertThat(exchange.attempts).hasSize(1);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.CANCELLED);
    }

    @Test
    void aCompletedCallIsNotEndedAgainByTheApplicationsLaterCancel() {
        exchange.then(response(200));

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(request("GET"), exchange);
        result.cancel(true);

        assertThat(result.join().status).isEqualTo(200);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.SUCCESS);
    }
}
