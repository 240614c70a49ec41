package dev.upstreamguard.agent.core;

/**
 * Records guarded calls (the telemetry implements it with OpenTelemetry spans). Implementations must
 * be thread-safe and must never throw.
 */
public interface CallObserver {

    /** Called on the application's thread when a guarded call starts; captures the parent context. */
    CallTrace startCall(CallRequest request, Dependency dependency);

    /** The trace of one guarded call. */
    interface CallTrace {
        /** Starts the span of one physical attempt. */
        AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis);

        /**
         * Starts the span of one physical attempt, with the dependency's breaker state as the attempt
         * started ({@code null}: no breaker).
         */
        default AttemptTrace startAttempt(
                int number, long connectTimeoutMillis, long readTimeoutMillis, CircuitBreaker.State breakerState) {
            return startAttempt(number, connectTimeoutMillis, readTimeoutMillis);
        }

        /**
         * Starts the span of a call (or retry) rejected without touching the network; it is ended at once
         * with the rejection as its failure and outcome.
         */
        default AttemptTrace startRejected(int number, CircuitBreaker.State breakerState) {
            return startAttempt(number, 0, 0, breakerState);
        }

        /**
         * Called exactly once when the call stops, on every path (an interrupted wait, a cancellation and
         * an internal error of the agent included), after its last attempt's span ended.
         *
         * @param failure how the last attempt failed, or null when it succeeded
         * @param status  the last response status, or -1
         */
        default void callEnded(FailureKind failure, Outcome outcome, int attempts, int status) {}
    }

    /**
     * The span of one physical attempt. {@link #stop} is called exactly once, when the attempt is over,
     * then {@link #end(Outcome, boolean)} exactly once, when the engine knows whether the call goes on: at
     * once when it stops, or only when the next attempt starts, so that a call that stops during the wait
     * before a retry (interrupted, cancelled) still puts its outcome on its last attempt's span.
     */
    interface AttemptTrace {
        String traceparent();

        String tracestate();

        /**
         * Records how the attempt ended; the span's end time is taken now.
         *
         * @param status  the response status, or {@code -1} when none came
         * @param error   what the client threw, or {@code null}
         * @param failure how the attempt failed, or {@code null} when it did not
         */
        void stop(int status, Throwable error, FailureKind failure);

        /**
         * Ends the span at the time {@link #stop} took.
         *
         * @param outcome    why the call stopped, or {@code null} when another attempt follows
         * @param wouldRetry observe mode only: the engine would have retried
         */
        void end(Outcome outcome, boolean wouldRetry);

        /** {@link #stop} and {@link #end(Outcome, boolean)} at once. */
        default void end(int status, Throwable error, FailureKind failure, Outcome outcome, boolean wouldRetry) {
            stop(status, error, failure);
            end(outcome, wouldRetry);
        }

        /** Observe mode: the breaker or the limit would have rejected this attempt. Before {@link #end}. */
        default void wouldReject() {}
    }

    /** Records nothing and sends no trace headers. */
    CallObserver NOOP = new CallObserver() {
        private final AttemptTrace attempt = new AttemptTrace() {
            @Override
            public String traceparent() {
                return null;
            }

            @Override
            public String tracestate() {
                return null;
            }

            @Override
            public void stop(int status, Throwable error, FailureKind failure) {}

            @Override
            public void end(Outcome outcome, boolean wouldRetry) {}
        };
        private final CallTrace call = (number, connect, read) -> attempt;

        @Override
        public CallTrace startCall(CallRequest request, Dependency dependency) {
            return call;
        }
    };
}
