package dev.upstreamguard.filter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * A span of the application's OpenTelemetry: one the filter started with the application's SDK (or with the
 * API alone, when it records nothing), or one another instrumentation made current. Thread-safe, as {@link
 * Span} is.
 */
final class ApplicationSpan implements RecordedSpan {
    private final Span span;

    ApplicationSpan(Span span) {
        this.span = span;
    }

    @Override
    public SpanContext spanContext() {
        return span.getSpanContext();
    }

    @Override
    public Scope makeCurrent() {
        return span.makeCurrent();
    }

    @Override
    public void setAttributes(Attributes attributes) {
        span.setAllAttributes(attributes);
    }

    @Override
    public void setError(String description) {
        span.setStatus(StatusCode.ERROR, description);
    }

    @Override
    public void addEvent(String name, Attributes attributes) {
        span.addEvent(name, attributes);
    }

    @Override
    public void end() {
        span.end();
    }
}
