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
        default AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis,
                                          CircuitBreaker.State breakerState) {
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
         * Called once when the call stops, after its last attempt's span ended.
         *
         * @param failure how the last attempt failed, or null when it succeeded
         * @param status  the last response status, or -1
         */
        default void callEnded(FailureKind failure, Outcome outcome, int attempts, int status) {}
    }

    /** The span of one physical attempt; {@link #end} is called exactly once. */
    interface AttemptTrace {
        String traceparent();

        String tracestate();

        /**
         * @param status     the response status, or {@code -1} when none came
         * @param error      what the client threw, or {@code null}
         * @param failure    how the attempt failed, or {@code null} when it did not
         * @param outcome    why the call stopped, or {@code null} when another attempt follows
         * @param wouldRetry observe mode only: the engine would have retried
         */
        void end(int status, Throwable error, FailureKind failure, Outcome outcome, boolean wouldRetry);

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
            public void end(int status, Throwable error, FailureKind failure, Outcome outcome, boolean wouldRetry) {}
        };
        private final CallTrace call = (number, connect, read) -> attempt;

        @Override
        public CallTrace startCall(CallRequest request, Dependency dependency) {
            return call;
        }
    };
}
