package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.CircuitBreaker;
import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.core.FailureKind;
import dev.upstreamguard.agent.core.Outcome;
import dev.upstreamguard.bootstrap.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Records each physical attempt as one CLIENT span with the stable HTTP client semantic conventions
 * and Upstream Guard's own attributes. Thread-safe; never throws into the engine.
 */
public final class SpanCallObserver implements CallObserver {

    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> SERVICE_PEER_NAME = AttributeKey.stringKey("service.peer.name");
    static final AttributeKey<String> PEER_SERVICE = AttributeKey.stringKey("peer.service");
    static final AttributeKey<String> DEPENDENCY = AttributeKey.stringKey("upstreamguard.dependency");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("upstreamguard.attempt");
    static final AttributeKey<String> FAILURE = AttributeKey.stringKey("upstreamguard.failure");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("upstreamguard.outcome");
    static final AttributeKey<Boolean> WOULD_RETRY = AttributeKey.booleanKey("upstreamguard.would_retry");
    static final AttributeKey<Long> CONNECT_MS = AttributeKey.longKey("upstreamguard.timeout.connect_ms");
    static final AttributeKey<Long> READ_MS = AttributeKey.longKey("upstreamguard.timeout.read_ms");
    static final AttributeKey<String> BREAKER_STATE = AttributeKey.stringKey("upstreamguard.breaker.state");
    static final AttributeKey<Boolean> WOULD_REJECT = AttributeKey.booleanKey("upstreamguard.would_reject");

    private final Tracer tracer;
    private final Supplier<Context> parents;
    private final io.opentelemetry.sdk.common.Clock clock = io.opentelemetry.sdk.common.Clock.getDefault();

    /**
     * @param parents gives the parent context of a call on the calling thread (the current context,
     *                or one bridged from the application)
     */
    public SpanCallObserver(Tracer tracer, Supplier<Context> parents) {
        this.tracer = tracer;
        this.parents = parents;
    }

    @Override
    public CallTrace startCall(CallRequest request, Dependency dependency) {
        return new SpanCallTrace(request, dependency, parents.get());
    }

    private final class SpanCallTrace implements CallTrace {
        private final CallRequest request;
        private final Dependency dependency;
        private final String url;
        /** The parent of the next attempt: the caller's span, or else the first attempt (one call, one trace). */
        private Context parent;

        private boolean parentIsSpan;

        SpanCallTrace(CallRequest request, Dependency dependency, Context parent) {
            this.request = request;
            this.dependency = dependency;
            this.parent = parent;
            this.parentIsSpan = Span.fromContext(parent).getSpanContext().isValid();
            this.url = UrlRedactor.redact(request.url());
        }

        @Override
        public AttemptTrace startAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis) {
            return startAttempt(number, connectTimeoutMillis, readTimeoutMillis, null);
        }

        @Override
        public AttemptTrace startAttempt(
                int number, long connectTimeoutMillis, long readTimeoutMillis, CircuitBreaker.State breakerState) {
            io.opentelemetry.api.trace.SpanBuilder builder = span(number)
                    .setAttribute(CONNECT_MS, connectTimeoutMillis)
                    .setAttribute(READ_MS, readTimeoutMillis);
            return started(builder, breakerState);
        }

        @Override
        public AttemptTrace startRejected(int number, CircuitBreaker.State breakerState) {
            // No timeouts: nothing was attempted on the network.
            return started(span(number), breakerState);
        }

        private io.opentelemetry.api.trace.SpanBuilder span(int number) {
            io.opentelemetry.api.trace.SpanBuilder builder = tracer.spanBuilder(request.method())
                    .setParent(parent)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(HTTP_REQUEST_METHOD, request.method())
                    .setAttribute(SERVER_ADDRESS, request.host())
                    .setAttribute(SERVER_PORT, (long) request.port())
                    .setAttribute(URL_FULL, url)
                    .setAttribute(SERVICE_PEER_NAME, dependency.name())
                    .setAttribute(PEER_SERVICE, dependency.name())
                    .setAttribute(DEPENDENCY, dependency.name())
                    .setAttribute(ATTEMPT, (long) number);
            if (number > 1) {
                builder.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) (number - 1));
            }
            return builder;
        }

        private AttemptTrace started(
                io.opentelemetry.api.trace.SpanBuilder builder, CircuitBreaker.State breakerState) {
            if (breakerState != null) {
                builder.setAttribute(BREAKER_STATE, breakerState.label());
            }
            // the span's start and end are both taken here, so that an end set later stays after the start
            long startNanoTime = System.nanoTime();
            long startEpochNanos = clock.now();
            builder.setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS);
            Span span = builder.startSpan();
            if (!parentIsSpan) {
                parent = parent.with(span);
                parentIsSpan = true;
            }
            return new SpanAttemptTrace(span, startEpochNanos, startNanoTime);
        }
    }

    /** The W3C tracestate of a span context, or null when it is empty. */
    static String tracestate(SpanContext context) {
        TraceState state = context.getTraceState();
        if (state.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        state.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(k).append('=').append(v);
        });
        return sb.toString();
    }

    private static final class SpanAttemptTrace implements AttemptTrace {
        private final Span span;
        /** When the span started, on the epoch clock and on the monotonic one; its end is measured from them. */
        private final long startEpochNanos;

        private final long startNanoTime;
        private long endEpochNanos;

        SpanAttemptTrace(Span span, long startEpochNanos, long startNanoTime) {
            this.span = span;
            this.startEpochNanos = startEpochNanos;
            this.startNanoTime = startNanoTime;
        }

        @Override
        public String traceparent() {
            SpanContext c = span.getSpanContext();
            if (!c.isValid()) {
                return null;
            }
            return TraceParent.format(
                    c.getTraceId(), c.getSpanId(), c.getTraceFlags().asHex());
        }

        @Override
        public String tracestate() {
            return SpanCallObserver.tracestate(span.getSpanContext());
        }

        @Override
        public void wouldReject() {
            span.setAttribute(WOULD_REJECT, true);
        }

        @Override
        public void stop(int status, Throwable error, FailureKind failure) {
            endEpochNanos = startEpochNanos + (System.nanoTime() - startNanoTime);
            if (status >= 0) {
                span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
            }
            String errorType = errorType(status, error, failure);
            if (errorType != null) {
                span.setAttribute(ERROR_TYPE, errorType);
                span.setStatus(StatusCode.ERROR);
            }
            if (failure != null) {
                span.setAttribute(FAILURE, failure.label());
            }
        }

        @Override
        public void end(Outcome outcome, boolean wouldRetry) {
            if (outcome != null) {
                span.setAttribute(OUTCOME, outcome.label());
            }
            if (wouldRetry) {
                span.setAttribute(WOULD_RETRY, true);
            }
            // the attempt ended when it stopped, not after the wait that may have followed
            span.end(endEpochNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The semantic conventions' {@code error.type} of an attempt, or null when it did not fail. */
    static String errorType(int status, Throwable error, FailureKind failure) {
        if (failure == FailureKind.TIMEOUT) {
            return "timeout";
        }
        if (failure == FailureKind.CIRCUIT_OPEN || failure == FailureKind.CONCURRENCY_LIMIT) {
            return failure.label();
        }
        if (error != null) {
            return error.getClass().getName();
        }
        if (status >= 400 || failure != null) {
            return Integer.toString(status);
        }
        return null;
    }
}
