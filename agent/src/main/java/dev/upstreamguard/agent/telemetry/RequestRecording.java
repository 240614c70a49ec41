package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.CircuitBreaker;
import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.core.FailureKind;
import dev.upstreamguard.agent.core.Outcome;
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

    /**
     * Also stands in for each attempt's trace (a call's attempts run one after another), so that it learns
     * what the last attempt threw: that is what the application receives.
     */
    private static final class RecordingTrace implements CallTrace, AttemptTrace {
        private final CallTrace trace;
        private final RequestScope scope;
        private final Dependency dependency;
        private final String address;
        private AttemptTrace current;
        private Throwable lastError;

        RecordingTrace(CallTrace trace, RequestScope scope, Dependency dependency, String address) {
            this.trace = trace;
            this.scope = scope;
            this.dependency = dependency;
            this.address = address;
        }

        @Override
        public AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis) {
            current = trace.startAttempt(number, connectTimeoutMillis, readTimeoutMillis);
            return this;
        }

        @Override
        public String traceparent() {
            return current.traceparent();
        }

        @Override
        public String tracestate() {
            return current.tracestate();
        }

        @Override
        public void stop(int status, Throwable error, FailureKind failure) {
            lastError = error;
            current.stop(status, error, failure);
        }

        @Override
        public void end(Outcome outcome, boolean wouldRetry) {
            current.end(outcome, wouldRetry);
        }

        @Override
        public AttemptTrace startAttempt(
                int number, long connectTimeoutMillis, long readTimeoutMillis, CircuitBreaker.State breakerState) {
            current = trace.startAttempt(number, connectTimeoutMillis, readTimeoutMillis, breakerState);
            return this;
        }

        @Override
        public AttemptTrace startRejected(int number, CircuitBreaker.State breakerState) {
            current = trace.startRejected(number, breakerState);
            return this;
        }

        @Override
        public void wouldReject() {
            current.wouldReject();
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
            scope.recordCall(
                    dependency.name(),
                    dependency.named(),
                    address,
                    failure == null ? null : failure.label(),
                    attempts,
                    outcome.label(),
                    status,
                    lastError,
                    retryAfterSeconds);
        }
    }
}
