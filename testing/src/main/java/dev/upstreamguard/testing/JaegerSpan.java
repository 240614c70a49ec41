package dev.upstreamguard.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One span as Jaeger's query API ({@code GET /api/traces/{traceId}}) shows it: Jaeger's own model, in
 * which an OpenTelemetry span's kind, status and attributes are all tags ({@code span.kind=server},
 * {@code otel.status_code=ERROR}, {@code error=true}, {@code http.response.status_code=502}) and its
 * resource is the process ({@code serviceName}).
 *
 * @param traceId 32 hex digits
 * @param spanId 16 hex digits
 * @param parentSpanId the span id of its {@code CHILD_OF} reference, or null for a root
 * @param operationName the span's name
 * @param serviceName the process's service name
 * @param startMicros start, in microseconds since the epoch
 * @param durationMicros duration in microseconds
 * @param tags the span's tags in Jaeger's order, values typed as Jaeger typed them (a {@code String},
 *     {@code Long}, {@code Double} or {@code Boolean})
 * @param logNames the names ({@code event} fields) of the span's logs, the OpenTelemetry events
 */
public record JaegerSpan(
        String traceId,
        String spanId,
        String parentSpanId,
        String operationName,
        String serviceName,
        long startMicros,
        long durationMicros,
        Map<String, Object> tags,
        List<String> logNames) {

    /** The tags that Jaeger makes of a span's kind, status and scope rather than of its attributes. */
    private static final Set<String> JAEGER_TAGS = Set.of(
            "span.kind",
            "otel.status_code",
            "otel.status_description",
            "error",
            "otel.scope.name",
            "otel.scope.version",
            "internal.span.format");

    /** The {@code span.kind} tag in upper case ({@code SERVER}, {@code CLIENT}...), or null. */
    public String kind() {
        Object kind = tags.get("span.kind");
        return kind == null ? null : kind.toString().toUpperCase(Locale.ROOT);
    }

    /** A tag's value as a string, or null when the span has no such tag. */
    public String tag(String key) {
        Object value = tags.get(key);
        return value == null ? null : value.toString();
    }

    /** A tag's value as a number, or null when the span has no such tag or it is not an integer. */
    public Long longTag(String key) {
        return tags.get(key) instanceof Long number ? number : null;
    }

    /** Whether the span has this tag. */
    public boolean hasTag(String key) {
        return tags.containsKey(key);
    }

    /**
     * The same span in the OTLP receiver's model, for drawing and comparing: kind, status and scope read back
     * from the tags Jaeger made of them, the remaining tags as attributes, the logs as events (names only),
     * the service name as the resource. Times are Jaeger's microseconds.
     */
    public ReceivedSpan toReceivedSpan() {
        Map<String, Object> attributes = new LinkedHashMap<>(tags);
        attributes.keySet().removeAll(JAEGER_TAGS);
        String kind = kind();
        return new ReceivedSpan(
                traceId,
                spanId,
                parentSpanId == null ? "" : parentSpanId,
                operationName,
                kind == null ? "INTERNAL" : kind,
                startMicros * 1000,
                (startMicros + durationMicros) * 1000,
                attributes,
                tags.containsKey("otel.status_code") ? tag("otel.status_code") : "UNSET",
                tags.containsKey("otel.status_description") ? tag("otel.status_description") : "",
                logNames.stream().map(name -> new ReceivedEvent(name, Map.of())).toList(),
                Map.of("service.name", serviceName == null ? "" : serviceName),
                tags.containsKey("otel.scope.name") ? tag("otel.scope.name") : "");
    }

    @Override
    public String toString() {
        return kind() + " " + operationName + " [" + serviceName + "] " + spanId
                + (parentSpanId == null ? "" : " child of " + parentSpanId) + " " + tags
                + (logNames.isEmpty() ? "" : " logs " + logNames);
    }
}
