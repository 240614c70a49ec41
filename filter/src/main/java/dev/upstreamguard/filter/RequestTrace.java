package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's trace as the filter keeps it: the SERVER span it records on, either started for the request
 * ({@linkplain #owned owned}: the filter sets the HTTP attributes and ends it) or made by another
 * instrumentation ({@linkplain #adopted adopted}: the filter only adds what it knows about an upstream
 * failure); the agent's scope for the request; and the trace id shown to the caller. Thread-safe: the failure
 * may be recorded on a container thread while the request is being completed on another.
 */
final class RequestTrace {
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> FAILED_DEPENDENCY = AttributeKey.stringKey("upstreamguard.failed.dependency");
    static final AttributeKey<String> FAILURE = AttributeKey.stringKey("upstreamguard.failure");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("upstreamguard.attempts");
    static final String UPSTREAM_FAILURE_EVENT = "upstreamguard.upstream_failure";

    private final RecordedSpan span;
    private final boolean owned;
    private volatile AgentLink agent;
    private volatile Object agentScope;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean errorRecorded;
    private volatile String incomingTraceparent;
    private volatile LocalTrace localTrace;

    private RequestTrace(RecordedSpan span, boolean owned) {
        this.span = span;
        this.owned = owned;
    }

    static RequestTrace owned(RecordedSpan span) {
        return new RequestTrace(span, true);
    }

    static RequestTrace adopted(RecordedSpan span) {
        return new RequestTrace(span, false);
    }

    /** Shares this request with the agent through {@code scope} (null: the agent does not take part). */
    RequestTrace linkedTo(AgentLink agent, Object scope) {
        if (scope != null) {
            this.agent = agent;
            this.agentScope = scope;
        }
        return this;
    }

    /**
     * The request's single incoming {@code traceparent} (null: none, or several), continued by the trace id
     * given to the caller when no SDK records the request.
     */
    RequestTrace continuing(String traceparent) {
        this.incomingTraceparent = traceparent;
        return this;
    }

    /** The agent's record of this request, or null without the agent. */
    Object agentScope() {
        return agentScope;
    }

    AgentLink agent() {
        return agent;
    }

    /** Makes the span current, and the request's agent scope too so the agent's calls join its trace. */
    Scope makeCurrent() {
        Scope scope = span.makeCurrent();
        AgentLink link = agent;
        if (link == null) {
            return scope;
        }
        Object token = link.attach(agentScope);
        return () -> {
            link.detach(token);
            scope.close();
        };
    }

    /**
     * The trace id to show to the client and to log. When an SDK records this request, its server span's;
     * otherwise (the API hands back the caller's remote span context, or an invalid one, neither a span of
     * ours) the {@link LocalTrace}: the caller's valid trace id continued, else a fresh random one, the same
     * for the whole request.
     */
    String traceId() {
        SpanContext context = span.spanContext();
        return context.isValid() && !context.isRemote()
                ? context.getTraceId()
                : localTrace().traceId();
    }

    /** The W3C Trace Context Level 2 {@code traceresponse} header value for {@link #traceId}. */
    String traceResponse() {
        SpanContext context = span.spanContext();
        if (!context.isValid() || context.isRemote()) {
            return localTrace().traceResponse();
        }
        return TraceParent.format(
                context.getTraceId(),
                context.getSpanId(),
                context.getTraceFlags().asHex());
    }

    private LocalTrace localTrace() {
        LocalTrace local = localTrace;
        if (local == null) {
            synchronized (this) {
                local = localTrace;
                if (local == null) {
                    local = LocalTrace.continuing(incomingTraceparent);
                    localTrace = local;
                }
            }
        }
        return local;
    }

    /**
     * Records an upstream failure: status ERROR, {@code error.type}, the {@code upstreamguard.*} attributes and
     * an {@code upstreamguard.upstream_failure} event carrying them.
     *
     * @param responseStatus the status the filter answered with, or {@code 0} when the response was already
     *     committed and is left as it is
     */
    void recordUpstreamFailure(UpstreamFailure failure, int responseStatus) {
        AttributesBuilder attributes =
                Attributes.builder().put(FAILURE, failure.kind().value());
        String dependency = failure.dependencyOrAddress();
        if (dependency != null) {
            attributes.put(FAILED_DEPENDENCY, dependency);
        }
        if (failure.attempts() > 0) {
            attributes.put(ATTEMPTS, (long) failure.attempts());
        }
        String errorType = failure.exceptionType() != null
                ? failure.exceptionType()
                : failure.kind().value();
        attributes.put(ERROR_TYPE, errorType);
        Attributes recorded = attributes.build();

        errorRecorded = true;
        span.setAttributes(recorded);
        span.setError("upstream " + failure.kind().value());
        span.addEvent(UPSTREAM_FAILURE_EVENT, recorded);
        // No recordException: its message and stack trace could carry URLs with credentials or internal
        // addresses. error.type names the exception class.
        if (owned && responseStatus > 0) {
            span.setAttributes(Attributes.of(HTTP_RESPONSE_STATUS_CODE, (long) responseStatus));
        }
    }

    /** Records an application error (not an upstream failure) on a span the filter owns, as HTTP semantic conventions ask. */
    void recordApplicationError(Throwable exception) {
        if (!owned) {
            return; // the instrumentation that owns the span records its own errors
        }
        errorRecorded = true;
        span.setAttributes(Attributes.of(ERROR_TYPE, exception.getClass().getName()));
        span.setError("");
    }

    /** Ends a span the filter owns, once; an adopted span is left to its owner. */
    void end(int responseStatus) {
        if (!owned || !ended.compareAndSet(false, true)) {
            return;
        }
        if (responseStatus > 0) {
            span.setAttributes(Attributes.of(HTTP_RESPONSE_STATUS_CODE, (long) responseStatus));
            if (responseStatus >= 500 && !errorRecorded) {
                span.setAttributes(Attributes.of(ERROR_TYPE, Integer.toString(responseStatus)));
                span.setError("");
            }
        }
        span.end();
    }
}
