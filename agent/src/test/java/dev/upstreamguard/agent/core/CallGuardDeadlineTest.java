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
import dev.upstreamguard.bootstrap.RequestBridge;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request's deadline (set by the filter on the request scope) caps {@code timeout.call} of every guarded call
 * made for it: the exact arithmetic, on the fake clock.
 */
class CallGuardDeadlineTest {

    private static final GuardPolicy POLICY = GuardPolicy.defaults().toBuilder()
            .backoffInitialMillis(100)
            .backoffMaxMillis(1_000)
            .build();

    private final FakeClock clock = new FakeClock();
    private final FakeSleeper sleeper = new FakeSleeper(clock);
    private final ScriptedExchange exchange = new ScriptedExchange(clock);
    private final RecordingObserver observer = new RecordingObserver();
    private Object previousScope;
    private boolean attached;

    @AfterEach
    void detachTheScope() {
        if (attached) {
            RequestBridge.detach(previousScope);
        }
        assertThat(RequestBridge.current()).isNull();
    }

    @AfterEach
    void everyCallEndedExactlyOnce() {
        observer.assertEveryCallEndedOnce();
    }

    private CallGuard guard(GuardPolicy policy) {
        return guard(policy, true);
    }

    private CallGuard guard(GuardPolicy policy, boolean enforce) {
        DependencyResolver resolver = new DependencyResolver(List.of(), policy, Map.of());
        return new CallGuard(resolver, observer, enforce, clock, sleeper, randoms(0.5));
    }

    private static CallRequest get() {
        return new CallRequest("GET", "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", true);
    }

    /** The calling thread works for a request whose deadline is {@code millis} from now on the fake clock. */
    private void requestWithDeadlineIn(long millis) {
        Object scope = RequestBridge.open(null, null);
        RequestBridge.deadline(scope, clock.nanoTime() + millis * 1_000_000L);
        previousScope = RequestBridge.attach(scope);
        attached = true;
    }

    @Test
    void theTimeLeftLessTheReserveCapsConnectReadAndTheCall() throws Throwable {
        requestWithDeadlineIn(500);
        exchange.statuses(200);

        guard(POLICY).execute(get(), exchange);

        Attempt only = exchange.attempts.get(0);
        assertThat(only.callTimeLeftMillis()).isEqualTo(450L); // 500 less the default 50 ms reserve
        assertThat(only.connectTimeoutMillis()).isEqualTo(450L); // 2 s connect shrinks
        assertThat(only.readTimeoutMillis()).isEqualTo(450L); // 10 s read shrinks
        assertThat(only.deadlineHeader()).isEqualTo("450");
    }

    @Test
    void theReserveIsAPolicySetting() throws Throwable {
        requestWithDeadlineIn(500);
        exchange.statuses(200);

        guard(POLICY.toBuilder().deadlineReserveMillis(200).build()).execute(get(), exchange);

        assertThat(exchange.attempts.get(0).callTimeLeftMillis()).isEqualTo(300L);
        assertThat(exchange.attempts.get(0).deadlineHeaderMillis()).isEqualTo(300L);
    }

    @Test
    void aShorterTimeoutCallStillWinsAndIsWhatIsPropagated() throws Throwable {
        requestWithDeadlineIn(5_000);
        exchange.statuses(200);

        guard(POLICY.toBuilder().callTimeoutMillis(1_000).build()).execute(get(), exchange);

        assertThat(exchange.attempts.get(0).callTimeLeftMillis()).isEqualTo(1_000L);
        assertThat(exchange.attempts.get(0).readTimeoutMillis()).isEqualTo(1_000L);
        assertThat(exchange.attempts.get(0).deadlineHeader()).isEqualTo("1000");
    }

    @Test
    void eachRetryCarriesLessTimeLeft() throws Throwable {
        requestWithDeadlineIn(1_000);
        exchange.eachAttemptTakes(200).statuses(503, 503, 200);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        // 950 ms to spend; waits floor(0.5 * 101) = 50 and floor(0.5 * 201) = 100: starts at 0, 250 and 550 ms
        assertThat(sleeper.sleeps).containsExactly(50L, 100L);
        assertThat(exchange.attempts).extracting(Attempt::deadlineHeaderMillis).containsExactly(950L, 700L, 400L);
        assertThat(exchange.attempts).extracting(Attempt::readTimeoutMillis).containsExactly(950L, 700L, 400L);
    }

    @Test
    void aBackoffThatWouldCrossTheDeadlineEndsTheRetries() throws Throwable {
        requestWithDeadlineIn(400);
        FakeResponse unavailable = response(503);
        // after 250 ms, a 50 ms wait and the 100 ms minimum attempt end at 400 ms, past the 350 ms left
        exchange.eachAttemptTakes(250).then(unavailable);

        FakeResponse result = guard(POLICY).execute(get(), exchange);

        assertThat(result).isSameAs(unavailable);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(observer.ended().outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void aCallMadeOnceTheDeadlineIsSpentFailsAtOnceAsATimeoutWithoutAnAttempt() {
        requestWithDeadlineIn(500);
        clock.advanceMillis(450); // exactly the reserve is left: nothing may start

        Throwable thrown = catchThrowable(() -> guard(POLICY).execute(get(), exchange));

        assertThat(thrown).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("deadline");
        assertThat(exchange.attempts).isEmpty();
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(observer.ended().failure).isEqualTo(FailureKind.TIMEOUT);
        assertThat(observer.ended().outcome).isEqualTo(Outcome.DEADLINE_EXCEEDED);
        assertThat(observer.ended().attempts).isZero();
        assertThat(observer.attempts.get(0).failure).isEqualTo(FailureKind.TIMEOUT);
        assertThat(observer.attempts.get(0).error).isSameAs(thrown);
    }

    @Test
    void oneMillisecondBeforeTheReserveTheCallStillStarts() throws Throwable {
        requestWithDeadlineIn(500);
        clock.advanceMillis(449);
        exchange.statuses(200);

        guard(POLICY).execute(get(), exchange);

        assertThat(exchange.attempts).extracting(Attempt::callTimeLeftMillis).containsExactly(1L);
    }

    @Test
    void anAsyncCallMadeOnceTheDeadlineIsSpentFailsItsFutureAtOnce() {
        requestWithDeadlineIn(100);
        clock.advanceMillis(100);

        CompletableFuture<FakeResponse> result = guard(POLICY).executeAsync(get(), exchange);

        assertThat(result).isCompletedExceptionally();
        Throwable thrown = catchThrowable(result::get);
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SocketTimeoutException.class);
        assertThat(exchange.attempts).isEmpty();
        assertThat(observer.ended().outcome).isEqualTo(Outcome.DEADLINE_EXCEEDED);
    }

    @Test
    void withPropagationOffTheCapStaysButNoHeaderIsSent() throws Throwable {
        requestWithDeadlineIn(500);
        exchange.statuses(200);

        guard(POLICY.toBuilder().deadlinePropagate(false).build()).execute(get(), exchange);

        assertThat(exchange.attempts.get(0).readTimeoutMillis()).isEqualTo(450L);
        assertThat(exchange.attempts.get(0).deadlineHeader()).isNull();
    }

    @Test
    void withoutADeadlineNothingChangesAndNoHeaderIsSent() throws Throwable {
        exchange.statuses(200);

        guard(POLICY).execute(get(), exchange);

        Attempt only = exchange.attempts.get(0);
        assertThat(only.callTimeLeftMillis()).isEqualTo(30_000L);
        assertThat(only.readTimeoutMillis()).isEqualTo(10_000L);
        assertThat(only.deadlineHeaderMillis()).isEqualTo(Attempt.NO_DEADLINE);
        assertThat(only.deadlineHeader()).isNull();
    }

    @Test
    void aScopeWithoutADeadlineChangesNothing() throws Throwable {
        previousScope = RequestBridge.attach(RequestBridge.open(null, null));
        attached = true;
        exchange.statuses(200);

        guard(POLICY).execute(get(), exchange);

        assertThat(exchange.attempts.get(0).callTimeLeftMillis()).isEqualTo(30_000L);
        assertThat(exchange.attempts.get(0).deadlineHeader()).isNull();
    }

    @Test
    void observeModeNeitherFailsASpentCallNorSendsTheHeader() throws Throwable {
        requestWithDeadlineIn(100);
        clock.advanceMillis(200);
        exchange.statuses(200);

        FakeResponse result = guard(POLICY, false).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(exchange.attempts).hasSize(1);
        assertThat(exchange.attempts.get(0).deadlineHeader()).isNull();
    }
}
