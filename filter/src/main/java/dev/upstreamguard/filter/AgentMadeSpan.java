package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.TraceParent;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SERVER span that the agent's OpenTelemetry SDK records for the filter when the application has no SDK of
 * its own (the agent's side is {@code AgentServerSpans}). What the filter writes is kept here and handed to
 * the agent through the {@link AgentLink} when the span ends: the attributes, the one event and the error
 * status; the bridge carries no status description. The application's OpenTelemetry API sees the span's
 * context as current, so its trace id is the request's, but has no SDK to record anything of its own on it.
 * Thread-safe.
 */
final class AgentMadeSpan implements RecordedSpan {
    private static final String ERROR_TYPE = RequestTrace.ERROR_TYPE.getKey();

    private final AgentLink agent;
    private final Object scope;
    private final SpanContext context;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private boolean error;
    private String eventName;
    private Map<String, Object> eventAttributes;
    private boolean ended;

    private AgentMadeSpan(AgentLink agent, Object scope, SpanContext context) {
        this.agent = agent;
        this.scope = scope;
        this.context = context;
    }

    /** The span of a scope the agent opened with a server span; null when its traceparent is not valid. */
    static AgentMadeSpan of(AgentLink agent, Object scope) {
        String traceparent = agent.traceparent(scope);
        String traceId = TraceParent.traceId(traceparent);
        if (traceId == null) {
            return null;
        }
        SpanContext context = SpanContext.create(
                traceId,
                TraceParent.spanId(traceparent),
                TraceFlags.fromHex(TraceParent.flags(traceparent), 0),
                TraceState.getDefault());
        return context.isValid() ? new AgentMadeSpan(agent, scope, context) : null;
    }

    @Override
    public SpanContext spanContext() {
        return context;
    }

    @Override
    public Scope makeCurrent() {
        return Span.wrap(context).makeCurrent();
    }

    @Override
    public synchronized void setAttributes(Attributes attributes) {
        putAll(this.attributes, attributes);
    }

    @Override
    public synchronized void setError(String description) {
        error = true;
    }

    @Override
    public synchronized void addEvent(String name, Attributes attributes) {
        eventName = name;
        eventAttributes = putAll(new LinkedHashMap<>(), attributes);
    }

    @Override
    public void end() {
        Map<String, Object> attributesAtEnd;
        String errorType;
        String event;
        Map<String, Object> eventAttributesAtEnd;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            attributesAtEnd = new LinkedHashMap<>(attributes);
            Object type = attributesAtEnd.get(ERROR_TYPE);
            errorType = !error ? null : type != null ? type.toString() : "error";
            event = eventName;
            eventAttributesAtEnd = eventAttributes;
        }
        agent.endServerSpan(scope, attributesAtEnd, errorType, event, eventAttributesAtEnd);
    }

    /** String, Long, Boolean and Double values as they are; an array attribute as its string form. */
    private static Map<String, Object> putAll(Map<String, Object> map, Attributes attributes) {
        attributes.forEach((key, value) -> map.put(key.getKey(), value instanceof List ? value.toString() : value));
        return map;
    }
}
