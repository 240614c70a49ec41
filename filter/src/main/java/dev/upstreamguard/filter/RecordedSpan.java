package dev.upstreamguard.filter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;

/**
 * Where a {@link RequestTrace} writes: exactly what the filter records on a request's SERVER span, and no
 * more. Either a span of the application's OpenTelemetry ({@link ApplicationSpan}) or one the agent's SDK
 * records for the filter ({@link AgentMadeSpan}). Implementations are thread-safe.
 */
interface RecordedSpan {

    SpanContext spanContext();

    /** Makes the span current in the application's OpenTelemetry context. */
    Scope makeCurrent();

    void setAttributes(Attributes attributes);

    /** Sets the status to ERROR. */
    void setError(String description);

    /** Adds an event; the filter adds at most one per request, for its upstream failure. */
    void addEvent(String name, Attributes attributes);

    void end();
}
