package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.CircuitBreaker;
import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.core.DependencyResolver;
import dev.upstreamguard.agent.core.FailureKind;
import dev.upstreamguard.agent.core.Outcome;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.List;

/**
 * Records the README's metrics around another observer (the spans): the semantic conventions' {@code
 * http.client.request.duration} per attempt, and {@code upstreamguard.calls}, {@code .retries}, {@code
 * .retry.budget.exhausted}, {@code .breaker.state}, {@code .breaker.transitions} and {@code .in_flight}.
 * Attribute values come from bounded sets only (never a URL, path or query; see {@link DependencyLabels}).
 * Thread-safe; never throws into the engine.
 */
public final class MetricsCallObserver implements CallObserver {

    /** The semantic conventions' advised bucket boundaries for {@code http.client.request.duration}, in seconds. */
    static final List<Double> DURATION_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private static final CircuitBreaker.State[] STATES = CircuitBreaker.State.values();

    private final CallObserver delegate;
    private final DependencyLabels labels = new DependencyLabels();
    private final DoubleHistogram duration;
    private final LongCounter calls;
    private final LongCounter retries;
    private final LongCounter budgetExhausted;
    private final LongCounter transitions;
    private final LongUpDownCounter inFlight;

    /**
     * @param delegate     the observer that makes the spans ({@link CallObserver#NOOP} without tracing)
     * @param dependencies the engine's dependencies: their breakers' states are observed and counted
     */
    public MetricsCallObserver(Meter meter, CallObserver delegate, DependencyResolver dependencies) {
        this.delegate = delegate;
        this.duration = meter.histogramBuilder("http.client.request.duration")
                .setUnit("s")
                .setDescription("Duration of HTTP client requests (one per physical attempt).")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        this.calls = meter.counterBuilder("upstreamguard.calls")
                .setUnit("{call}")
                .setDescription("Guarded calls, by how they ended and whether they were retried.")
                .build();
        this.retries = meter.counterBuilder("upstreamguard.retries")
                .setUnit("{retry}")
                .setDescription("Retries made, by the failure that was retried.")
                .build();
        this.budgetExhausted = meter.counterBuilder("upstreamguard.retry.budget.exhausted")
                .setUnit("{retry}")
                .setDescription("Retries refused by the dependency's retry budget.")
                .build();
        this.transitions = meter.counterBuilder("upstreamguard.breaker.transitions")
                .setUnit("{transition}")
                .setDescription("Circuit breaker state changes, by the state entered.")
                .build();
        this.inFlight = meter.upDownCounterBuilder("upstreamguard.in_flight")
                .setUnit("{attempt}")
                .setDescription("Attempts in flight to the dependency.")
                .build();
        meter.gaugeBuilder("upstreamguard.breaker.state")
                .ofLongs()
                .setUnit("1")
                .setDescription("1 for the circuit breaker's current state, 0 for the others"
                        + " (for _other: how many dependencies are in the state).")
                .buildWithCallback(measurement -> observeBreakers(dependencies, measurement));
        dependencies.onBreakerTransition((dependency, state) ->
                transitions.add(1, labels.of(dependency.name()).state(state)));
    }

    private void observeBreakers(DependencyResolver dependencies, ObservableLongMeasurement measurement) {
        long[] others = new long[STATES.length];
        boolean[] anyOther = new boolean[1];
        dependencies.forEachDependency(dependency -> {
            CircuitBreaker breaker = dependency.breaker();
            if (breaker == null) {
                return;
            }
            CircuitBreaker.State current = breaker.state();
            DependencyLabels.Labels l = labels.of(dependency.name());
            if (l.other) {
                others[current.ordinal()]++;
                anyOther[0] = true;
                return;
            }
            for (CircuitBreaker.State state : STATES) {
                measurement.record(state == current ? 1 : 0, l.state(state));
            }
        });
        if (anyOther[0]) {
            DependencyLabels.Labels other = labels.other();
            for (CircuitBreaker.State state : STATES) {
                measurement.record(others[state.ordinal()], other.state(state));
            }
        }
    }

    @Override
    public CallTrace startCall(CallRequest request, Dependency dependency) {
        return new MetricsTrace(delegate.startCall(request, dependency), request, labels.of(dependency.name()));
    }

    private final class MetricsTrace implements CallTrace {
        private final CallTrace trace;
        private final CallRequest request;
        private final DependencyLabels.Labels labels;
        /** How the previous attempt failed: what the next attempt retries. */
        private FailureKind lastFailure;

        MetricsTrace(CallTrace trace, CallRequest request, DependencyLabels.Labels labels) {
            this.trace = trace;
            this.request = request;
            this.labels = labels;
        }

        @Override
        public AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis) {
            return startAttempt(number, connectTimeoutMillis, readTimeoutMillis, null);
        }

        @Override
        public AttemptTrace startAttempt(
                int number, long connectTimeoutMillis, long readTimeoutMillis, CircuitBreaker.State breakerState) {
            if (number > 1 && lastFailure != null) {
                retries.add(1, labels.retry(lastFailure));
            }
            AttemptTrace attempt = trace.startAttempt(number, connectTimeoutMillis, readTimeoutMillis, breakerState);
            inFlight.add(1, labels.dependency);
            return new MetricsAttempt(this, attempt, System.nanoTime());
        }

        @Override
        public AttemptTrace startRejected(int number, CircuitBreaker.State breakerState) {
            return trace.startRejected(number, breakerState); // not an attempt: no duration, never in flight
        }

        @Override
        public void callEnded(FailureKind failure, Outcome outcome, int attempts, int status) {
            trace.callEnded(failure, outcome, attempts, status);
            calls.add(1, labels.call(outcome, attempts > 1));
        }

        void attemptStopped(long startNanos, int status, Throwable error, FailureKind failure) {
            lastFailure = failure;
            inFlight.add(-1, labels.dependency);
            Attributes attributes = labels.attempt(
                    knownMethod(request.method()),
                    request.host(),
                    request.port(),
                    status,
                    SpanCallObserver.errorType(status, error, failure));
            duration.record((System.nanoTime() - startNanos) / 1e9, attributes);
        }

        void attemptEnded(Outcome outcome) {
            if (outcome == Outcome.BUDGET_EXHAUSTED) {
                budgetExhausted.add(1, labels.dependency);
            }
        }
    }

    /** The method, or {@code _OTHER} for one outside RFC 9110 and PATCH (the conventions' bounded set). */
    static String knownMethod(String method) {
        switch (method) {
            case "GET":
            case "HEAD":
            case "POST":
            case "PUT":
            case "DELETE":
            case "CONNECT":
            case "OPTIONS":
            case "TRACE":
            case "PATCH":
                return method;
            default:
                return "_OTHER";
        }
    }

    private static final class MetricsAttempt implements AttemptTrace {
        private final MetricsTrace call;
        private final AttemptTrace attempt;
        private final long startNanos;

        MetricsAttempt(MetricsTrace call, AttemptTrace attempt, long startNanos) {
            this.call = call;
            this.attempt = attempt;
            this.startNanos = startNanos;
        }

        @Override
        public String traceparent() {
            return attempt.traceparent();
        }

        @Override
        public String tracestate() {
            return attempt.tracestate();
        }

        @Override
        public void stop(int status, Throwable error, FailureKind failure) {
            try {
                call.attemptStopped(startNanos, status, error, failure);
            } finally {
                attempt.stop(status, error, failure);
            }
        }

        @Override
        public void end(Outcome outcome, boolean wouldRetry) {
            try {
                call.attemptEnded(outcome);
            } finally {
                attempt.end(outcome, wouldRetry);
            }
        }

        @Override
        public void wouldReject() {
            attempt.wouldReject();
        }
    }
}
