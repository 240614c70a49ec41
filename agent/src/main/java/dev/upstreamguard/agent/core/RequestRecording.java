package dev.upstreamguard.agent.core;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.RequestScope;

/**
 * Records each guarded call into the scope of the request it was made for (set by the servlet filter
 * through the bridge), so the filter can say which dependency failed, how, and after how many attempts.
 * Wraps the observer that makes spans. Thread-safe.
 */
public final class RequestRecording implements CallObserver {

    private final CallObserver delegate;

    public RequestRecording(CallObserver delegate) {
        this.delegate = delegate;
    }

    @Override
    public CallTrace startCall(CallRequest request, Dependency dependency) {
        CallTrace trace = delegate.startCall(request, dependency);
        RequestScope scope = RequestBridge.current();
        if (scope == null) {
            return trace; // no filter on this thread: nothing to record
        }
        return new RecordingTrace(trace, scope, dependency, request.host() + ':' + request.port());
    }

    private static final class RecordingTrace implements CallTrace {
        private final CallTrace trace;
        private final RequestScope scope;
        private final Dependency dependency;
        private final String address;

        RecordingTrace(CallTrace trace, RequestScope scope, Dependency dependency, String address) {
            this.trace = trace;
            this.scope = scope;
            this.dependency = dependency;
            this.address = address;
        }

        @Override
        public AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis) {
            return trace.startAttempt(number, connectTimeoutMillis, readTimeoutMillis);
        }

        @Override
        public AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis,
                                         CircuitBreaker.State breakerState) {
            return trace.startAttempt(number, connectTimeoutMillis, readTimeoutMillis, breakerState);
        }

        @Override
        public AttemptTrace startRejected(int number, CircuitBreaker.State breakerState) {
            return trace.startRejected(number, breakerState);
        }

        @Override
        public void callEnded(FailureKind failure, Outcome outcome, int attempts, int status) {
            trace.callEnded(failure, outcome, attempts, status);
            long retryAfterSeconds = -1;
            if (failure == FailureKind.CIRCUIT_OPEN || failure == FailureKind.CONCURRENCY_LIMIT) {
                CircuitBreaker breaker = dependency.breaker();
                long wait = breaker == null ? 0 : breaker.millisUntilProbe(System.nanoTime());
                retryAfterSeconds = Math.max(1, (wait + 999) / 1000);
            }
            scope.recordCall(dependency.name(), dependency.named(), address, failure == null ? null : failure.label(),
                    attempts, outcome.label(), status, retryAfterSeconds);
        }
    }
}
