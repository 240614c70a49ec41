package dev.upstreamguard.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as {@link OtlpReceiver} decoded it from an OTLP export. Immutable.
 *
 * <p>Attribute values are {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code
 * List<Object>} of those; the rarely used key-value lists become {@code Map<String, Object>} and
 * byte values lowercase hex strings.
 *
 * @param traceId 32 lowercase hex digits
 * @param spanId 16 lowercase hex digits
 * @param parentSpanId 16 lowercase hex digits, or {@code ""} for a root span
 * @param name the span name
 * @param kind {@code CLIENT}, {@code SERVER}, {@code INTERNAL}, {@code PRODUCER}, {@code
 *     CONSUMER} (or {@code UNSPECIFIED})
 * @param startEpochNanos start, nanoseconds since the epoch
 * @param endEpochNanos end, nanoseconds since the epoch
 * @param attributes the span attributes, in the order they were sent
 * @param statusCode {@code UNSET}, {@code OK} or {@code ERROR}
 * @param statusMessage the status description, {@code ""} when none
 * @param events the span events, in order
 * @param resource the attributes of the resource that sent the span ({@code service.name}...)
 * @param scopeName the instrumentation scope name
 */
public record ReceivedSpan(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        String kind,
        long startEpochNanos,
        long endEpochNanos,
        Map<String, Object> attributes,
        String statusCode,
        String statusMessage,
        List<ReceivedEvent> events,
        Map<String, Object> resource,
        String scopeName) {

    /** Copies the collections into unmodifiable ones. */
    public ReceivedSpan {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        events = List.copyOf(events);
        resource = Collections.unmodifiableMap(new LinkedHashMap<>(resource));
    }

    /** The attribute's value as a string ({@code String.valueOf}), or null when absent. */
    public String attr(String key) {
        Object value = attributes.get(key);
        return value == null ? null : String.valueOf(value);
    }

    /** The attribute's value if it is a whole number, or null when absent or not a number. */
    public Long longAttr(String key) {
        Object value = attributes.get(key);
        return value instanceof Long ? (Long) value : null;
    }

    /** Whether the span carries this attribute. */
    public boolean hasAttr(String key) {
        return attributes.containsKey(key);
    }

    /** Whether this span has no parent. */
    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    /** End minus start, in milliseconds. */
    public double durationMillis() {
        return (endEpochNanos - startEpochNanos) / 1_000_000.0;
    }

    /** One line: name, kind, status and attributes, for failure messages. */
    @Override
    public String toString() {
        return name + " [" + kind + ", " + statusCode
                + (statusMessage.isEmpty() ? "" : " \"" + statusMessage + "\"") + ", span " + spanId
                + (parentSpanId.isEmpty() ? ", root" : ", parent " + parentSpanId) + "] " + attributes;
    }
}
