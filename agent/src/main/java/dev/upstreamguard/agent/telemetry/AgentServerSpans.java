package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.bootstrap.ServerSpanHooks;
import dev.upstreamguard.bootstrap.TraceParent;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.Map;

/**
 * SERVER spans made by the agent's SDK for the servlet filter, when the application has no
 * OpenTelemetry SDK of its own: the request and its upstream attempts are then one trace all the same.
 * The filter's side is its {@code AgentMadeSpan}, which hands over what it recorded when the span ends.
 * Thread-safe.
 */
final class AgentServerSpans implements ServerSpanHooks {

    private final Tracer tracer;

    AgentServerSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Object[] start(
            String name, Map<String, Object> attributes, String incomingTraceparent, String incomingTracestate) {
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER);
        if (incomingTraceparent != null) {
            builder.setParent(ParentContexts.extract(incomingTraceparent, incomingTracestate));
        } else {
            builder.setNoParent();
        }
        builder.setAllAttributes(toAttributes(attributes));
        Span span = builder.startSpan();
        SpanContext c = span.getSpanContext();
        String traceparent = TraceParent.format(
                c.getTraceId(), c.getSpanId(), c.getTraceFlags().asHex());
        return new Object[] {span, traceparent, SpanCallObserver.tracestate(c)};
    }

    @Override
    public void end(
            Object handle,
            Map<String, Object> attributes,
            String errorType,
            String eventName,
            Map<String, Object> eventAttributes) {
        Span span = (Span) handle;
        span.setAllAttributes(toAttributes(attributes));
        if (errorType != null) {
            span.setStatus(StatusCode.ERROR);
        }
        if (eventName != null) {
            span.addEvent(eventName, toAttributes(eventAttributes));
        }
        span.end();
    }

    /** String, Long/Integer, Boolean and Double values; others are written as strings. */
    static Attributes toAttributes(Map<String, Object> map) {
        if (map == null || map.isEmpty()) {
            return Attributes.empty();
        }
        AttributesBuilder b = Attributes.builder();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Long || v instanceof Integer) {
                b.put(e.getKey(), ((Number) v).longValue());
            } else if (v instanceof Boolean) {
                b.put(e.getKey(), (Boolean) v);
            } else if (v instanceof Double) {
                b.put(e.getKey(), (Double) v);
            } else if (v != null) {
                b.put(e.getKey(), v.toString());
            }
        }
        return b.build();
    }
}
