package dev.upstreamguard.agent.core;

import static dev.upstreamguard.agent.core.EngineFakes.randoms;
import static dev.upstreamguard.agent.core.EngineFakes.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.UpstreamUnavailableException;
import dev.upstreamguard.agent.core.EngineFakes.FakeClock;
import dev.upstreamguard.agent.core.EngineFakes.FakeResponse;
import dev.upstreamguard.agent.core.EngineFakes.FakeSleeper;
import dev.upstreamguard.agent.core.EngineFakes.RecordingObserver;
import dev.upstreamguard.agent.core.EngineFakes.ScriptedExchange;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The gate before each attempt and the record after it: {@link CallGuard} with a breaker and a limit. */
class CallGuardBreakerTest {

    /** Opens after 4 attempts at 50 %; open 1 s; 2 probes; 5 attempts a call. */
    private static final GuardPolicy POLICY = GuardPolicy.defaults().toBuilder()
            .maxAttempts(5)
            .backoffInitialMillis(10)
            .backoffMaxMillis(10)
            .breakerMinAttempts(4)
            .breakerOpenMillis(1_000)
            .build();

    private final FakeClock clock = new FakeClock();
    private final FakeSleeper sleeper = new FakeSleeper(clock);
    private final ScriptedExchange exchange = new ScriptedExchange(clock);
    private final RecordingObserver observer = new RecordingObserver();

    private CallGuard guard(GuardPolicy policy, boolean enforce) {
        return new CallGuard(
                new DependencyResolver(
                        List.of(DependencyResolver.Rule.of("inventory", "inventory.internal")),
                        policy,
                        Map.of("inventory", policy),
                        randoms(0.0)),
                observer,
                enforce,
                clock,
                sleeper,
                randoms(0.0));
    }

    private static CallRequest get() {
        return new CallRequest("GET", "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", true);
    }

    private static ConnectException refused() {
        return new ConnectException("Connection refused");
    }

    /** Four refused attempts over two calls (retries off for them) open the breaker. */
    private void openIt(CallGuard guard) {
        for (int i = 0; i < 4; i++) {
            exchange.then(refused());
        }
        catchThrowable(() -> guard.execute(get(), exchange));
        assertThat(observer.last().outcome).isEqualTo(Outcome.CIRCUIT_OPEN); // it opened during the call
        assertThat(exchange.attempts).hasSize(4);
    }

    @Test
    void aBreakerThatOpensDuringACallEndsItsRetriesWithTheLastAttemptsResult() throws Throwable {
        CallGuard guard = guard(POLICY, true);
        exchange.then(refused(), refused(), refused());
        exchange.then(response(503));

        FakeResponse last = guard.execute(get(), exchange);

        assertThat(last.status).isEqualTo(503); // 4 of 4 failed: open, no fifth attempt
        assertThat(exchange.attempts).hasSize(4);
        assertThat(observer.last().outcome).isEqualTo(Outcome.CIRCUIT_OPEN);
        assertThat(exchange.discarded).isEmpty();
    }

    @Test
    void anOpenBreakerRejectsWithoutAnAttemptWithTheDocumentedException() {
        CallGuard guard = guard(POLICY, true);
        openIt(guard);
        clock.advanceMillis(400);

        Throwable thrown = catchThrowable(() -> guard.execute(get(), exchange));

        assertThat(thrown)
                .isExactlyInstanceOf(UpstreamUnavailableException.class)
                .isInstanceOf(ConnectException.class)
                .hasMessage("upstream-guard: circuit open for dependency inventory; call rejected without being sent;"
                        + " next probe in 600 ms");
        UpstreamUnavailableException rejected = (UpstreamUnavailableException) thrown;
        assertThat(rejected.reason()).isEqualTo("circuit-open");
        assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
        assertThat(exchange.attempts).hasSize(4); // none more
        EngineFakes.RecordedAttempt span = observer.last();
        assertThat(span.failure).isEqualTo(FailureKind.CIRCUIT_OPEN);
        assertThat(span.outcome).isEqualTo(Outcome.CIRCUIT_OPEN);
        assertThat(span.ends).isEqualTo(1);
        assertThat(span.number).isEqualTo(1);
    }

    @Test
    void rejectedCallsSpendNoRetryBudget() throws Throwable {
        GuardPolicy tight =
                POLICY.toBuilder().budgetPercent(0).budgetMinPerSecond(0).build();
        CallGuard guard = guard(tight, true);
        for (int i = 0; i < 4; i++) {
            exchange.then(refused());
            catchThrowable(() -> guard.execute(get(), exchange));
        }
        assertThat(exchange.attempts).hasSize(4); // no budget: never retried, 4 calls opened it
        for (int i = 0; i < 50; i++) {
            assertThat(catchThrowable(() -> guard.execute(get(), exchange)))
                    .isInstanceOf(UpstreamUnavailableException.class);
        }
        assertThat(exchange.attempts).hasSize(4);
    }

    @Test
    void successfulProbesCloseItAndAFailedOneReopensItForLonger() throws Throwable {
        CallGuard guard = guard(POLICY, true);
        openIt(guard);
        clock.advanceMillis(1_000);
        exchange.then(refused()); // the probe fails: no retry, open for 2 s (jitter 0)

        Throwable probe = catchThrowable(() -> guard.execute(get(), exchange));

        assertThat(probe).isExactlyInstanceOf(ConnectException.class);
        assertThat(observer.last().outcome).isEqualTo(Outcome.CIRCUIT_OPEN);
        assertThat(exchange.attempts).hasSize(5);
        clock.advanceMillis(1_999);
        assertThat(catchThrowable(() -> guard.execute(get(), exchange)))
                .isInstanceOf(UpstreamUnavailableException.class);
        clock.advanceMillis(1);
        exchange.then(response(200), response(200), response(200));
        assertThat(guard.execute(get(), exchange).status).isEqualTo(200);
        assertThat(guard.execute(get(), exchange).status).isEqualTo(200);
        assertThat(guard.execute(get(), exchange).status).isEqualTo(200); // closed again
        assertThat(exchange.attempts).hasSize(8);
    }

    @Test
    void observeModeNeverRejectsButMarksWhatItWouldHaveRejected() throws Throwable {
        CallGuard guard = guard(POLICY, false);
        for (int i = 0; i < 4; i++) {
            exchange.then(refused());
            catchThrowable(() -> guard.execute(get(), exchange));
        }
        assertThat(observer.last().wouldReject).isFalse();
        exchange.then(response(200));

        FakeResponse reply = guard.execute(get(), exchange);

        assertThat(reply.status).isEqualTo(200);
        assertThat(observer.last().wouldReject).isTrue();
        assertThat(exchange.attempts).hasSize(5);
    }

    @Test
    void theConcurrencyLimitRejectsBeyondItsAttemptsInFlightAndFreesSlotsOnEveryEnd() throws Exception {
        GuardPolicy limited =
                POLICY.toBuilder().concurrencyMax(2).breakerEnabled(false).build();
        CallGuard guard = guard(limited, true);
        exchange.asyncLeavesPending();
        CompletableFuture<FakeResponse> first = guard.executeAsync(get(), exchange);
        CompletableFuture<FakeResponse> second = guard.executeAsync(get(), exchange);

        CompletableFuture<FakeResponse> third = guard.executeAsync(get(), exchange);

        assertThat(third).isCompletedExceptionally();
        Throwable cause = catchThrowable(third::get);
        assertThat(cause).isInstanceOf(ExecutionException.class);
        assertThat(cause.getCause())
                .isInstanceOf(UpstreamUnavailableException.class)
                .hasMessage("upstream-guard: dependency inventory is at its concurrency limit; call rejected without"
                        + " being sent");
        assertThat(observer.last().failure).isEqualTo(FailureKind.CONCURRENCY_LIMIT);
        assertThat(exchange.attempts).hasSize(2);

        exchange.pendingFutures.get(0).completeExceptionally(new IllegalStateException("adapter bug"));
        exchange.pendingFutures.get(1).complete(response(200));
        assertThat(first).isCompletedExceptionally();
        assertThat(second.get().status).isEqualTo(200);
        guard.executeAsync(get(), exchange);
        guard.executeAsync(get(), exchange);
        assertThat(exchange.attempts).hasSize(4); // both slots came back
    }

    @Test
    void anInternalErrorBeforeTheAttemptGivesItsConcurrencySlotBack() throws Throwable {
        GuardPolicy limited = POLICY.toBuilder().concurrencyMax(1).build();
        CallGuard guard = guard(limited, true);
        exchange.appSettingsThrow(new IllegalStateException("adapter bug"));
        exchange.then(response(200), response(200));

        assertThat(guard.execute(get(), exchange).status).isEqualTo(200); // unguarded, after the internal error
        exchange.appSettingsThrow(null);

        assertThat(guard.execute(get(), exchange).status).isEqualTo(200); // the slot came back: not rejected
    }
}
