package dev.upstreamguard.agent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.DoubleSupplier;

/**
 * The engine: runs the attempts of one guarded call (run, classify, decide, wait, repeat) and hands
 * back exactly what the client gave on the last attempt. Adapters supply an {@link Exchange}.
 *
 * <p>Thread-safe; one instance serves the whole agent.
 */
public final class CallGuard {

    private final DependencyResolver dependencies;
    private final CallObserver observer;
    private final boolean enforce;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    /**
     * @param enforce false in observe mode: one attempt, the application's settings untouched, and
     *                what would have happened recorded on the span
     */
    public CallGuard(DependencyResolver dependencies, CallObserver observer, boolean enforce,
                     Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.dependencies = dependencies;
        this.observer = observer;
        this.enforce = enforce;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    public boolean enforcing() {
        return enforce;
    }

    public DependencyResolver dependencies() {
        return dependencies;
    }

    /**
     * Runs a guarded call synchronously.
     *
     * @return the last attempt's response
     * @throws Throwable exactly what the client threw on the last attempt, earlier attempts' errors
     *                   attached as suppressed
     */
    public <R> R execute(CallRequest request, Exchange<R> exchange) throws Throwable {
        Call<R> call;
        Attempt attempt;
        try {
            call = new Call<>(request, exchange);
            attempt = call.nextAttempt();
        } catch (Throwable internal) {
            AgentLog.internalError("starting a guarded call", internal);
            return exchange.attempt(Attempt.UNGUARDED);
        }
        if (attempt == null) {
            throw call.rejection(); // as the client throws its own connect failures
        }
        while (true) {
            R response = null;
            Throwable error = null;
            try {
                response = exchange.attempt(attempt);
            } catch (Throwable t) {
                error = t;
            }
            long delay = call.afterAttemptSafely(response, error);
            if (delay < 0) {
                return call.deliver(response, error);
            }
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                // Stop retrying, keep the interrupt for the application, give it what it last had.
                Thread.currentThread().interrupt();
                return call.deliver(response, error);
            }
            try {
                attempt = call.nextAttempt();
            } catch (Throwable internal) {
                AgentLog.internalError("starting a retry", internal);
                return call.deliver(response, error);
            }
            if (attempt == null) {
                return call.deliver(response, error); // the breaker opened or the limit filled: retries end
            }
            call.releaseBeforeRetry(response, error);
        }
    }

    /**
     * Runs a guarded call asynchronously. Cancelling the returned future cancels the attempt in flight
     * and any pending retry.
     */
    public <R> CompletableFuture<R> executeAsync(CallRequest request, Exchange<R> exchange) {
        Call<R> call;
        Attempt first;
        try {
            call = new Call<>(request, exchange);
            first = call.nextAttempt();
        } catch (Throwable internal) {
            AgentLog.internalError("starting a guarded async call", internal);
            return exchange.attemptAsync(Attempt.UNGUARDED);
        }
        if (first == null) {
            return CompletableFuture.failedFuture(call.rejection());
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        new AsyncRun<>(call, result).run(first);
        return result;
    }

    /**
     * Starts a call whose single attempt the adapter drives itself, for a request body that streams
     * while the attempt runs (it cannot be replayed, so there is no retry). Returns {@code null} when
     * the agent failed internally: the adapter then proceeds unguarded. When the call is rejected, the
     * returned attempt's {@link SingleAttempt#attempt()} is null and {@link SingleAttempt#rejection()}
     * is what to throw.
     */
    public <R> SingleAttempt<R> startSingle(CallRequest request, Exchange<R> exchange) {
        try {
            Call<R> call = new Call<>(request, exchange);
            return new SingleAttempt<>(call, call.nextAttempt());
        } catch (Throwable internal) {
            AgentLog.internalError("starting a streaming call", internal);
            return null;
        }
    }

    /** The one attempt of a call started with {@link #startSingle}. Used by one thread at a time. */
    public static final class SingleAttempt<R> {
        private final CallGuard.Call<R> call;
        private final Attempt attempt;

        private SingleAttempt(CallGuard.Call<R> call, Attempt attempt) {
            this.call = call;
            this.attempt = attempt;
        }

        /** The attempt to run, or {@code null} when the breaker or the limit rejected the call. */
        public Attempt attempt() {
            return attempt;
        }

        /** What to throw when {@link #attempt()} is null. */
        public java.io.IOException rejection() {
            return call.rejection();
        }

        /** Records how the attempt ended; call exactly once. */
        public void finish(R response, Throwable error) {
            call.afterAttemptSafely(response, error);
        }
    }

    /** Drives the attempts of one asynchronous call. */
    private final class AsyncRun<R> {
        private final Call<R> call;
        private final CompletableFuture<R> result;
        private volatile CompletableFuture<R> inFlight;

        AsyncRun(Call<R> call, CompletableFuture<R> result) {
            this.call = call;
            this.result = result;
            result.whenComplete((r, t) -> {
                CompletableFuture<R> current = inFlight;
                if (result.isCancelled() && current != null) {
                    current.cancel(true);
                }
            });
        }

        void run(Attempt attempt) {
            CompletableFuture<R> attemptFuture;
            try {
                attemptFuture = call.exchange.attemptAsync(attempt);
            } catch (Throwable t) {
                attemptFuture = CompletableFuture.failedFuture(t);
            }
            inFlight = attemptFuture;
            if (result.isCancelled()) {
                attemptFuture.cancel(true);
            }
            attemptFuture.whenComplete(this::onAttempt);
        }

        private void onAttempt(R response, Throwable failure) {
            Throwable error = unwrap(failure);
            long delay = call.afterAttemptSafely(response, error); // ends the attempt's span on every path
            if (result.isDone()) {
                call.discardQuietly(response); // cancelled meanwhile: nobody will read it
                return;
            }
            if (delay < 0) {
                complete(response, error);
                return;
            }
            sleeper.schedule(() -> retry(response, error), delay);
        }

        private void retry(R previous, Throwable previousError) {
            if (result.isDone()) {
                call.discardQuietly(previous);
                return;
            }
            Attempt next;
            try {
                next = call.nextAttempt();
            } catch (Throwable internal) {
                AgentLog.internalError("starting an async retry", internal);
                complete(previous, previousError);
                return;
            }
            if (next == null) {
                complete(previous, previousError); // the breaker opened or the limit filled: retries end
                return;
            }
            call.releaseBeforeRetry(previous, previousError);
            run(next);
        }

        private void complete(R response, Throwable error) {
            try {
                result.complete(call.deliver(response, error));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        if ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            return t.getCause();
        }
        return t;
    }

    /** The state of one guarded call across its attempts. Used by one thread at a time. */
    private final class Call<R> {
        final CallRequest request;
        final Exchange<R> exchange;
        final Dependency dependency;
        final GuardPolicy policy;
        final long deadlineNanos;
        final CallObserver.CallTrace trace;
        int attempts;
        CallObserver.AttemptTrace currentSpan;
        List<Throwable> earlierErrors;
        /** The breaker's answer for the attempt in flight, and whether it holds a concurrency slot. */
        int permit;
        boolean slot;
        boolean admitted;
        FailureKind rejectedBy;

        Call(CallRequest request, Exchange<R> exchange) {
            this.request = request;
            this.exchange = exchange;
            this.dependency = dependencies.resolve(request.host(), request.port());
            this.policy = dependency.policy();
            long now = clock.nanoTime();
            this.deadlineNanos = now + policy.callTimeoutMillis() * 1_000_000L;
            this.trace = observer.startCall(request, dependency);
        }

        /** The next attempt, or null when the breaker or the limit rejects it (its span is then recorded). */
        Attempt nextAttempt() {
            attempts++;
            long now = clock.nanoTime();
            CircuitBreaker.State state = admit(now);
            if (rejectedBy != null && enforce) {
                rejected(state);
                return null;
            }
            if (attempts == 1) {
                dependency.budget().recordRequest(now); // a rejected call is not a request to budget for
            }
            long left = Math.max(1, (deadlineNanos - clock.nanoTime()) / 1_000_000L);
            long connect = effective(exchange.appConnectTimeoutMillis(), policy.connectTimeoutMillis());
            long read = effective(exchange.appReadTimeoutMillis(), Math.min(policy.readTimeoutMillis(), left));
            currentSpan = trace.startAttempt(attempts, connect, read, state);
            if (rejectedBy != null) {
                currentSpan.wouldReject(); // observe mode: it goes through all the same
            }
            return new Attempt(attempts, connect, read, enforce, currentSpan.traceparent(), currentSpan.tracestate());
        }

        /** {@link #afterAttempt}, but an internal error stops the call with the attempt's own result. */
        long afterAttemptSafely(R response, Throwable error) {
            try {
                return afterAttempt(response, error);
            } catch (Throwable internal) {
                AgentLog.internalError("deciding on a retry", internal);
                return -1;
            } finally {
                release(null, -1); // only when afterAttempt could not: a slot is never kept
            }
        }

        /**
         * The gate before each attempt: asks the concurrency limit, then the breaker. Sets {@link #rejectedBy}
         * when either says no (observe mode goes on anyway). Returns the breaker's state, or null without one.
         */
        private CircuitBreaker.State admit(long now) {
            ConcurrencyLimit limit = dependency.limit();
            CircuitBreaker breaker = dependency.breaker();
            rejectedBy = null;
            permit = CircuitBreaker.REJECTED;
            slot = false;
            if (limit != null && !(slot = limit.tryAcquire())) {
                rejectedBy = FailureKind.CONCURRENCY_LIMIT;
            }
            if (breaker == null) {
                admitted = slot;
                return null;
            }
            CircuitBreaker.State before = breaker.state();
            if (rejectedBy == null) {
                permit = breaker.tryAcquire(now);
                if (permit == CircuitBreaker.REJECTED) {
                    rejectedBy = FailureKind.CIRCUIT_OPEN;
                    if (slot) {
                        limit.release();
                        slot = false;
                    }
                }
            }
            admitted = slot || permit != CircuitBreaker.REJECTED;
            return permit == CircuitBreaker.PROBE ? CircuitBreaker.State.HALF_OPEN : before;
        }

        /** The record after each attempt: the breaker counts it, the concurrency slot is freed. Once per attempt. */
        private void release(FailureKind failure, int status) {
            if (!admitted) {
                return;
            }
            admitted = false;
            if (slot) {
                slot = false;
                dependency.limit().release();
            }
            CircuitBreaker breaker = dependency.breaker();
            if (breaker != null) {
                breaker.record(permit, breaker.counts(failure, status), clock.nanoTime());
            }
            if (failure != null) {
                dependency.failed(failure, clock.epochMillis());
            }
        }

        /** Records a rejected attempt: its own span, and the end of the call. */
        private void rejected(CircuitBreaker.State state) {
            Outcome outcome = rejectedBy == FailureKind.CIRCUIT_OPEN ? Outcome.CIRCUIT_OPEN : Outcome.CONCURRENCY_LIMIT;
            CallObserver.AttemptTrace span = trace.startRejected(attempts, state);
            span.end(-1, null, rejectedBy, outcome, false);
            attempts--; // a rejected call is not an attempt
            trace.callEnded(rejectedBy, outcome, attempts, -1);
        }

        /** What the application gets for a call rejected before its first attempt. */
        java.io.IOException rejection() {
            CircuitBreaker breaker = dependency.breaker();
            long wait = breaker == null ? 0 : breaker.millisUntilProbe(clock.nanoTime());
            String reason = rejectedBy == FailureKind.CONCURRENCY_LIMIT
                    ? dev.upstreamguard.UpstreamUnavailableException.CONCURRENCY_LIMIT
                    : dev.upstreamguard.UpstreamUnavailableException.CIRCUIT_OPEN;
            return new dev.upstreamguard.UpstreamUnavailableException(dependency.name(), dependency.named(), reason, wait);
        }

        /** Ends the attempt's span and decides: the wait before the next attempt, or -1 to stop. */
        private long afterAttempt(R response, Throwable error) {
            int status = -1;
            FailureKind failure;
            if (error != null) {
                failure = FailureClassifier.classify(error, exchange.failedWhileConnecting(error));
            } else {
                status = exchange.status(response);
                failure = status >= 500 || policy.retryOn().status(status) ? FailureKind.STATUS : null;
            }
            release(failure, status);
            Decision decision = decide(response, error, status, failure);
            boolean retry = decision.outcome == null;
            if (retry && enforce) {
                currentSpan.end(status, error, failure, null, false);
                return decision.delayMillis;
            }
            // Observe mode records what it would have done; the only attempt is the last.
            Outcome outcome = retry ? Outcome.EXHAUSTED : decision.outcome;
            currentSpan.end(status, error, failure, outcome, retry);
            trace.callEnded(failure, outcome, attempts, status);
            return -1;
        }

        /** Lets go of an attempt's result once the next attempt is certain. */
        void releaseBeforeRetry(R response, Throwable error) {
            if (error != null) {
                if (earlierErrors == null) {
                    earlierErrors = new ArrayList<>(policy.maxAttempts());
                }
                earlierErrors.add(error);
            }
            discardQuietly(response);
        }

        private Decision decide(R response, Throwable error, int status, FailureKind failure) {
            if (failure == null && error == null) {
                return Decision.stop(Outcome.SUCCESS);
            }
            boolean retryable = failure != null
                    && (failure == FailureKind.STATUS ? policy.retryOn().status(status) : policy.retryOn().kind(failure));
            if (!retryable) {
                return Decision.stop(Outcome.NOT_RETRYABLE);
            }
            if (attempts >= policy.maxAttempts()) {
                return Decision.stop(Outcome.EXHAUSTED);
            }
            if (!failure.neverSent() && !policy.retriesMethod(request.method())) {
                return Decision.stop(Outcome.NON_IDEMPOTENT);
            }
            if (!request.replayable()) {
                return Decision.stop(Outcome.NOT_REPLAYABLE);
            }
            long delay = Backoff.delayMillis(policy.backoffInitialMillis(), policy.backoffMaxMillis(), attempts,
                    random.getAsDouble());
            if (failure == FailureKind.STATUS) {
                long asked = RetryAfter.parseMillis(exchange.header(response, "Retry-After"), clock.epochMillis());
                if (asked > policy.retryAfterMaxMillis()) {
                    return Decision.stop(Outcome.RETRY_AFTER_TOO_LONG);
                }
                if (asked != RetryAfter.INVALID) {
                    delay = asked;
                }
            }
            CircuitBreaker breaker = dependency.breaker();
            if (breaker != null && breaker.state() != CircuitBreaker.State.CLOSED) {
                return Decision.stop(Outcome.CIRCUIT_OPEN); // opened during this call (maybe by it)
            }
            long now = clock.nanoTime();
            if (now + delay * 1_000_000L >= deadlineNanos) {
                return Decision.stop(Outcome.EXHAUSTED);
            }
            if (!dependency.budget().tryAcquireRetry(now)) {
                return Decision.stop(Outcome.BUDGET_EXHAUSTED);
            }
            return Decision.retryAfter(delay);
        }

        R deliver(R response, Throwable error) throws Throwable {
            if (error == null) {
                return response;
            }
            if (earlierErrors != null) {
                for (Throwable earlier : earlierErrors) {
                    if (earlier != error) {
                        error.addSuppressed(earlier);
                    }
                }
            }
            throw error;
        }

        void discardQuietly(R response) {
            if (response == null) {
                return;
            }
            try {
                exchange.discard(response);
            } catch (Throwable t) {
                AgentLog.warnOnce("discard|" + t.getClass().getName(),
                        "could not discard a retried response (" + t.getClass().getName() + ")");
            }
        }
    }

    private static long effective(long appMillis, long agentMillis) {
        return appMillis <= 0 ? agentMillis : Math.min(appMillis, agentMillis);
    }

    /** A decision after a failed attempt: stop with an outcome, or retry after a delay. */
    private static final class Decision {
        private static final Decision[] STOPS = new Decision[Outcome.values().length];

        static {
            for (Outcome o : Outcome.values()) {
                STOPS[o.ordinal()] = new Decision(o, -1);
            }
        }

        final Outcome outcome;
        final long delayMillis;

        private Decision(Outcome outcome, long delayMillis) {
            this.outcome = outcome;
            this.delayMillis = delayMillis;
        }

        static Decision stop(Outcome outcome) {
            return STOPS[outcome.ordinal()];
        }

        static Decision retryAfter(long delayMillis) {
            return new Decision(null, delayMillis);
        }
    }
}
