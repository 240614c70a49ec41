package dev.upstreamguard.agent.core;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.RequestScope;
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

    /**
     * A retry starts only when at least this much of {@code timeout.call} is left after its wait (or the
     * dependency's read timeout, when that is shorter): less than that cannot carry a useful attempt.
     */
    public static final long MIN_ATTEMPT_MILLIS = 100;

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
    public CallGuard(
            DependencyResolver dependencies,
            CallObserver observer,
            boolean enforce,
            Clock clock,
            Sleeper sleeper,
            DoubleSupplier random) {
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
        Call<R> call = null;
        Attempt attempt;
        try {
            call = new Call<>(request, exchange);
            attempt = call.nextAttempt();
        } catch (Throwable internal) {
            AgentLog.internalError("starting a guarded call", internal);
            return unguarded(call, exchange);
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
                call.finishSafely(Outcome.INTERRUPTED);
                return call.deliver(response, error);
            }
            if (call.cancelledWhileWaiting()) {
                return call.deliver(response, error);
            }
            try {
                attempt = call.nextAttempt();
            } catch (Throwable internal) {
                AgentLog.internalError("starting a retry", internal);
                call.finishSafely(Outcome.EXHAUSTED);
                return call.deliver(response, error);
            }
            if (attempt == null) {
                return call.deliver(response, error); // the breaker opened or the limit filled: retries end
            }
            call.releaseBeforeRetry(response, error);
        }
    }

    /** The one attempt of a call the agent failed to start: the application's own settings, no retry. */
    private static <R> R unguarded(Call<R> call, Exchange<R> exchange) throws Throwable {
        R response = null;
        Throwable error = null;
        try {
            response = exchange.attempt(Attempt.UNGUARDED);
        } catch (Throwable t) {
            error = t;
        }
        if (call != null) {
            call.endUnguarded(error);
        }
        if (error != null) {
            throw error;
        }
        return response;
    }

    /**
     * Runs a guarded call asynchronously. Cancelling the returned future cancels the attempt in flight
     * and any pending retry.
     */
    public <R> CompletableFuture<R> executeAsync(CallRequest request, AsyncExchange<R> exchange) {
        Call<R> call = null;
        Attempt first;
        try {
            call = new Call<>(request, exchange);
            first = call.nextAttempt();
        } catch (Throwable internal) {
            AgentLog.internalError("starting a guarded async call", internal);
            CompletableFuture<R> unguarded = exchange.attemptAsync(Attempt.UNGUARDED);
            if (call != null) {
                Call<R> started = call;
                unguarded.whenComplete((r, t) -> started.endUnguarded(unwrap(t)));
            }
            return unguarded;
        }
        if (first == null) {
            return CompletableFuture.failedFuture(call.rejection());
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        new AsyncRun<>(call, exchange, result).run(first);
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

        /** Records how the attempt ended and ends the call; call exactly once. */
        public void finish(R response, Throwable error) {
            if (call.afterAttemptSafely(response, error) >= 0) {
                call.finishSafely(Outcome.NOT_REPLAYABLE); // its body streamed: there is no second attempt
            }
        }
    }

    /**
     * Drives the attempts of one asynchronous call. The application may cancel (or complete) the returned
     * future from any thread: its methods lock the run, so the call ends exactly once.
     */
    private final class AsyncRun<R> {
        private final Call<R> call;
        private final AsyncExchange<R> exchange;
        private final CompletableFuture<R> result;
        private CompletableFuture<R> inFlight;
        /** True while a retry waits for its delay; the response it would replace is kept for discarding. */
        private boolean waiting;

        private R waitingResponse;
        private boolean delivering;

        AsyncRun(Call<R> call, AsyncExchange<R> exchange, CompletableFuture<R> result) {
            this.call = call;
            this.exchange = exchange;
            this.result = result;
            result.whenComplete((r, t) -> stoppedFromOutside());
        }

        void run(Attempt attempt) {
            CompletableFuture<R> attemptFuture;
            try {
                attemptFuture = exchange.attemptAsync(attempt);
            } catch (Throwable t) {
                attemptFuture = CompletableFuture.failedFuture(t);
            }
            synchronized (this) {
                inFlight = attemptFuture;
            }
            if (result.isDone()) {
                attemptFuture.cancel(true);
            }
            attemptFuture.whenComplete(this::onAttempt);
        }

        /** The application cancelled (or completed) the future: the call ends as cancelled. */
        private synchronized void stoppedFromOutside() {
            if (delivering) {
                return;
            }
            if (waiting) {
                waiting = false;
                call.finishSafely(Outcome.CANCELLED);
                call.discardQuietly(waitingResponse);
                waitingResponse = null;
                return;
            }
            if (inFlight != null) {
                inFlight.cancel(true); // its onAttempt ends the call
            }
        }

        private synchronized void onAttempt(R response, Throwable failure) {
            Throwable error = unwrap(failure);
            if (result.isDone()) {
                call.cancelledAttempt(response, error); // ends the attempt's span and the call
                call.discardQuietly(response); // nobody will read it
                return;
            }
            long delay = call.afterAttemptSafely(response, error); // ends the attempt's span on every path
            if (delay < 0) {
                complete(response, error);
                return;
            }
            waiting = true;
            waitingResponse = response;
            sleeper.schedule(() -> retry(response, error), delay);
        }

        private void retry(R previous, Throwable previousError) {
            Attempt next;
            synchronized (this) {
                if (!waiting) {
                    return; // cancelled meanwhile: the call has ended
                }
                waiting = false;
                waitingResponse = null;
                if (call.cancelledWhileWaiting()) {
                    complete(previous, previousError);
                    return;
                }
                try {
                    next = call.nextAttempt();
                } catch (Throwable internal) {
                    AgentLog.internalError("starting an async retry", internal);
                    call.finishSafely(Outcome.EXHAUSTED);
                    complete(previous, previousError);
                    return;
                }
            }
            if (next == null) {
                complete(previous, previousError); // the breaker opened or the limit filled: retries end
                return;
            }
            call.releaseBeforeRetry(previous, previousError);
            run(next);
        }

        private void complete(R response, Throwable error) {
            delivering = true;
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

    /**
     * The state of one guarded call across its attempts. Used by one thread at a time (an async run
     * locks itself around it).
     */
    private final class Call<R> implements Attempt.HeadDecision {
        final CallRequest request;
        final Exchange<R> exchange;
        final Dependency dependency;
        final GuardPolicy policy;
        /** When the call must have its response head: {@code timeout.call}, capped by the request's deadline less its reserve. */
        final long deadlineNanos;
        /** True when the call is made for a request with a deadline: its attempts may carry the time left. */
        final boolean requestDeadline;

        final CallObserver.CallTrace trace;
        int attempts;
        CallObserver.AttemptTrace currentSpan;
        /** The current span is stopped and waits for {@link #finish} or the next attempt to end it. */
        boolean spanStopped;

        int lastStatus = -1;
        FailureKind lastFailure;
        boolean finished;
        List<Throwable> earlierErrors;
        /** Taken at the current attempt's response head (see {@link Attempt#retriedAfterHead}); binds its end. */
        volatile Decision headDecision;
        /** The breaker's answer for the attempt in flight, and whether it holds a concurrency slot. */
        int permit;

        boolean slot;
        boolean admitted;
        FailureKind rejectedBy;
        /** What a call made after its request's deadline throws; null otherwise. */
        java.io.IOException spentError;
        /** What a call rejected before its first attempt hands the application; made once. */
        java.io.IOException rejectionError;

        Call(CallRequest request, Exchange<R> exchange) {
            this.request = request;
            this.exchange = exchange;
            this.dependency = dependencies.resolve(request.host(), request.port());
            this.policy = dependency.policy();
            long end = clock.nanoTime() + policy.callTimeoutMillis() * 1_000_000L;
            RequestScope scope = RequestBridge.currentWithDeadlines(); // one field read until a request has a deadline
            boolean bounded = scope != null && scope.hasDeadline();
            if (bounded) {
                long capped = scope.deadlineNanos() - policy.deadlineReserveMillis() * 1_000_000L;
                if (capped - end < 0) {
                    end = capped;
                }
            }
            this.deadlineNanos = end;
            this.requestDeadline = bounded;
            this.trace = observer.startCall(request, dependency);
        }

        /** The next attempt, or null when the breaker or the limit rejects it (its span is then recorded). */
        Attempt nextAttempt() {
            attempts++;
            long now = clock.nanoTime();
            if (requestDeadline && attempts == 1 && enforce && deadlineNanos - now <= 0) {
                deadlineSpent();
                return null;
            }
            CircuitBreaker.State state = admit(now);
            if (rejectedBy != null && enforce) {
                rejected(state);
                return null;
            }
            if (attempts == 1) {
                dependency.budget().recordRequest(now); // a rejected call is not a request to budget for
            }
            try {
                long left = Math.max(1, (deadlineNanos - clock.nanoTime()) / 1_000_000L);
                long connect =
                        effective(exchange.appConnectTimeoutMillis(), Math.min(policy.connectTimeoutMillis(), left));
                long read = effective(exchange.appReadTimeoutMillis(), Math.min(policy.readTimeoutMillis(), left));
                if (spanStopped) {
                    spanStopped = false;
                    currentSpan.end(null, false); // the previous attempt: another one follows
                }
                currentSpan = trace.startAttempt(attempts, connect, read, state);
                headDecision = null;
                if (rejectedBy != null) {
                    currentSpan.wouldReject(); // observe mode: it goes through all the same
                }
                long propagated = requestDeadline && enforce && policy.deadlinePropagate() ? left : Attempt.NO_DEADLINE;
                return new Attempt(
                        attempts,
                        connect,
                        read,
                        left,
                        enforce,
                        currentSpan.traceparent(),
                        currentSpan.tracestate(),
                        enforce ? this : null,
                        propagated);
            } catch (RuntimeException | Error internal) {
                releaseUncounted(); // the call goes on unguarded: it must not keep a slot or the probe
                throw internal;
            }
        }

        @Override
        public boolean retriesAfterHead(int attempt, int status, String retryAfter) {
            if (attempt != attempts) {
                return false; // a late head of an attempt already given up
            }
            try {
                Decision decision = decide(null, null, status, statusFailure(status), retryAfter);
                headDecision = decision;
                return decision.outcome == null;
            } catch (Throwable internal) {
                AgentLog.internalError("deciding on a retry at the response head", internal);
                headDecision = Decision.stop(Outcome.NOT_RETRYABLE);
                return false;
            }
        }

        private FailureKind statusFailure(int status) {
            return status >= 500 || policy.retryOn().status(status) ? FailureKind.STATUS : null;
        }

        /** {@link #afterAttempt}, but an internal error stops the call with the attempt's own result. */
        long afterAttemptSafely(R response, Throwable error) {
            try {
                return afterAttempt(response, error);
            } catch (Throwable internal) {
                AgentLog.internalError("deciding on a retry", internal);
                try {
                    if (!spanStopped && !finished) {
                        currentSpan.stop(-1, error, null);
                        spanStopped = true;
                    }
                    lastStatus = -1;
                    lastFailure = null;
                    finish(error == null ? Outcome.SUCCESS : Outcome.NOT_RETRYABLE, false);
                } catch (Throwable again) {
                    AgentLog.internalError("ending a call", again);
                }
                return -1;
            } finally {
                releaseUncounted(); // only when afterAttempt could not: a slot is never kept
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
            if (freeSlot()) {
                CircuitBreaker breaker = dependency.breaker();
                if (breaker != null) {
                    breaker.record(permit, breaker.counts(failure, status), clock.nanoTime());
                }
                if (failure != null) {
                    dependency.failed(failure, clock.epochMillis());
                }
            }
        }

        /** Gives the concurrency slot and the probe back without counting the attempt (cancelled, interrupted, internal error). */
        private void releaseUncounted() {
            if (freeSlot()) {
                CircuitBreaker breaker = dependency.breaker();
                if (breaker != null) {
                    breaker.giveBack(permit);
                }
            }
        }

        /** Frees the attempt's concurrency slot; false when the attempt holds no admission (already released). */
        private boolean freeSlot() {
            if (!admitted) {
                return false;
            }
            admitted = false;
            if (slot) {
                slot = false;
                dependency.limit().release();
            }
            return true;
        }

        /** Records a rejected attempt: its own span, and the end of the call. */
        private void rejected(CircuitBreaker.State state) {
            Outcome outcome = rejectedBy == FailureKind.CIRCUIT_OPEN ? Outcome.CIRCUIT_OPEN : Outcome.CONCURRENCY_LIMIT;
            if (spanStopped) {
                spanStopped = false;
                currentSpan.end(null, false); // the attempt before this rejected retry
            }
            CallObserver.AttemptTrace span = trace.startRejected(attempts, state);
            // Rejected before its first attempt, the call hands the application rejection(): the span and the
            // request's record carry that very exception, so that the filter can link what escapes to this call.
            span.end(-1, attempts == 1 ? rejection() : null, rejectedBy, outcome, false);
            attempts--; // a rejected call is not an attempt
            finished = true;
            lastFailure = rejectedBy;
            lastStatus = -1;
            trace.callEnded(rejectedBy, outcome, attempts, -1);
        }

        /**
         * Records a call made once its request's deadline (less the reserve) was spent: a span that connected
         * nowhere, failed as a timeout, and the end of the call.
         */
        private void deadlineSpent() {
            CallObserver.AttemptTrace span = trace.startRejected(attempts, null);
            spentError = exchange.timeoutException(
                    "upstream-guard: the request's deadline was spent before this call; not sent");
            span.end(-1, spentError, FailureKind.TIMEOUT, Outcome.DEADLINE_EXCEEDED, false);
            attempts--; // nothing was attempted
            finished = true;
            rejectedBy = FailureKind.TIMEOUT;
            lastFailure = FailureKind.TIMEOUT;
            lastStatus = -1;
            trace.callEnded(FailureKind.TIMEOUT, Outcome.DEADLINE_EXCEEDED, attempts, -1);
        }

        /** What the application gets for a call rejected before its first attempt. */
        java.io.IOException rejection() {
            if (spentError != null) {
                return spentError;
            }
            if (rejectionError == null) { // one instance: the one recorded is the one the application gets
                CircuitBreaker breaker = dependency.breaker();
                long wait = breaker == null ? 0 : breaker.millisUntilProbe(clock.nanoTime());
                String reason = rejectedBy == FailureKind.CONCURRENCY_LIMIT
                        ? dev.upstreamguard.UpstreamUnavailableException.CONCURRENCY_LIMIT
                        : dev.upstreamguard.UpstreamUnavailableException.CIRCUIT_OPEN;
                rejectionError = new dev.upstreamguard.UpstreamUnavailableException(
                        dependency.name(), dependency.named(), reason, wait);
            }
            return rejectionError;
        }

        /** Stops the attempt's span and decides: the wait before the next attempt, or -1 once the call ended. */
        private long afterAttempt(R response, Throwable error) {
            int status = -1;
            FailureKind failure = null;
            Outcome stop = null;
            if (error == null) {
                status = exchange.status(response);
            }
            if (exchange.cancelled()) {
                stop = Outcome.CANCELLED; // the application's doing, not the upstream's: no retry, no budget
                failure = exchange.cancelledByTimeout() ? FailureKind.TIMEOUT : null;
            } else if (error != null) {
                if (interruption(error)) {
                    stop = Outcome.INTERRUPTED;
                } else if (!exchange.applicationFailure(error)) {
                    failure = FailureClassifier.classify(error, exchange.failedWhileConnecting(error));
                }
            } else {
                failure = statusFailure(status);
            }
            if (stop != null) {
                releaseUncounted(); // neither a success nor a failure of the dependency
            } else {
                release(failure, status);
            }
            Decision decision = headDecision;
            headDecision = null;
            if (stop != null) {
                decision = Decision.stop(stop);
            } else if (decision == null) {
                decision = decide(
                        response,
                        error,
                        status,
                        failure,
                        failure == FailureKind.STATUS ? exchange.header(response, "Retry-After") : null);
            } else if (decision.outcome != null && error != null) {
                // the body failed after the application's own reader took it: that reader saw this response
                decision = Decision.stop(Outcome.NOT_RETRYABLE);
            }
            currentSpan.stop(status, error, failure);
            spanStopped = true;
            lastStatus = status;
            lastFailure = failure;
            boolean retry = decision.outcome == null;
            if (retry && enforce) {
                return decision.delayMillis;
            }
            // Observe mode records what it would have done; the only attempt is the last.
            finish(retry ? Outcome.EXHAUSTED : decision.outcome, retry);
            return -1;
        }

        /** Ends the call: its last span gets the outcome, the observer hears of it. Once, on every path. */
        void finish(Outcome outcome, boolean wouldRetry) {
            if (finished) {
                return;
            }
            finished = true;
            if (spanStopped) {
                spanStopped = false;
                currentSpan.end(outcome, wouldRetry);
            }
            trace.callEnded(lastFailure, outcome, attempts, lastStatus);
        }

        void finishSafely(Outcome outcome) {
            try {
                finish(outcome, false);
            } catch (Throwable internal) {
                AgentLog.internalError("ending a call", internal);
            }
        }

        /** Between attempts: when the application cancelled the call meanwhile, ends it and says so. */
        boolean cancelledWhileWaiting() {
            boolean cancelled;
            try {
                cancelled = exchange.cancelled();
            } catch (Throwable internal) {
                AgentLog.internalError("asking an adapter about cancellation", internal);
                cancelled = false;
            }
            if (cancelled) {
                finishSafely(Outcome.CANCELLED);
            }
            return cancelled;
        }

        /** An async attempt that ended because the application cancelled the call. */
        void cancelledAttempt(R response, Throwable error) {
            try {
                if (finished) {
                    return;
                }
                if (!spanStopped) {
                    int status = error == null ? exchange.status(response) : -1;
                    currentSpan.stop(status, error, null);
                    spanStopped = true;
                    lastStatus = status;
                    lastFailure = null;
                }
                finish(Outcome.CANCELLED, false);
            } catch (Throwable internal) {
                AgentLog.internalError("ending a cancelled call", internal);
            }
        }

        /** The call ran one unguarded attempt (the agent failed to start it): the observer still hears of it. */
        void endUnguarded(Throwable error) {
            try {
                finish(error == null ? Outcome.SUCCESS : Outcome.NOT_RETRYABLE, false);
            } catch (Throwable internal) {
                AgentLog.internalError("ending an unguarded call", internal);
            }
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

        private Decision decide(R response, Throwable error, int status, FailureKind failure, String retryAfter) {
            if (failure == null && error == null) {
                return Decision.stop(Outcome.SUCCESS);
            }
            boolean retryable = failure != null
                    && (failure == FailureKind.STATUS
                            ? policy.retryOn().status(status)
                            : policy.retryOn().kind(failure))
                    && (error == null || !FailureClassifier.neverRetried(error)); // a TLS handshake fails alike again
            if (!retryable) {
                return Decision.stop(Outcome.NOT_RETRYABLE);
            }
            // an application that configured its client's retries keeps at least the attempts and waits it asked for
            long appDelay = exchange.appRetryDelayMillis(response, error, attempts);
            if (attempts >= policy.maxAttempts() && appDelay < 0) {
                return Decision.stop(Outcome.EXHAUSTED);
            }
            // "never sent" holds only for the original request's own connection, before any response came
            boolean neverSent = failure.neverSent() && !exchange.mayHaveBeenSent(error);
            if (!neverSent && !policy.retriesMethod(request.method())) {
                return Decision.stop(Outcome.NON_IDEMPOTENT);
            }
            if (!request.replayable()) {
                return Decision.stop(Outcome.NOT_REPLAYABLE);
            }
            long delay = Backoff.delayMillis(
                    policy.backoffInitialMillis(), policy.backoffMaxMillis(), attempts, random.getAsDouble());
            if (failure == FailureKind.STATUS) {
                long asked = RetryAfter.parseMillis(retryAfter, clock.epochMillis());
                if (asked > policy.retryAfterMaxMillis()) {
                    return Decision.stop(Outcome.RETRY_AFTER_TOO_LONG);
                }
                if (asked != RetryAfter.INVALID) {
                    delay = asked;
                }
            }
            delay = Math.max(delay, appDelay);
            CircuitBreaker breaker = dependency.breaker();
            if (breaker != null && breaker.state() != CircuitBreaker.State.CLOSED) {
                return Decision.stop(Outcome.CIRCUIT_OPEN); // opened during this call (maybe by it)
            }
            long now = clock.nanoTime();
            // a retry that would start with less than a useful attempt's time left only turns the answer
            // the application already has into a timeout, at the cost of one more request upstream
            long minimum = Math.min(MIN_ATTEMPT_MILLIS, policy.readTimeoutMillis());
            if (now + (delay + minimum) * 1_000_000L > deadlineNanos) {
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
                AgentLog.warnOnce(
                        "discard|" + t.getClass().getName(),
                        "could not discard a retried response (" + t.getClass().getName() + ")");
            }
        }
    }

    /** An interruption of the calling thread, not a failure of the upstream. */
    private static boolean interruption(Throwable error) {
        if (error instanceof InterruptedException || error instanceof java.nio.channels.ClosedByInterruptException) {
            return true;
        }
        return error instanceof java.io.InterruptedIOException
                && !(error instanceof java.net.SocketTimeoutException)
                && Thread.currentThread().isInterrupted();
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
