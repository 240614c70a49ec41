package dev.upstreamguard.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trace as Jaeger's query API returned it ({@code GET /api/traces/{traceId}}): its spans, read from
 * the answer's one element of {@code data}, and the answer itself, for reports. Immutable.
 *
 * @param traceId the trace id asked for
 * @param spans the spans, ordered by start time
 * @param warnings Jaeger's warnings about the trace (such as a parent span that is not in it)
 * @param json the answer's body as Jaeger sent it
 */
public record JaegerTrace(String traceId, List<JaegerSpan> spans, List<String> warnings, String json) {

    /** Reads the body of {@code GET /api/traces/{traceId}}: fails unless it holds exactly that one trace. */
    public static JaegerTrace parse(String traceId, String json) {
        Map<String, Object> answer = Json.object(Json.parse(json), "the answer");
        List<Object> data = Json.array(answer.get("data"), "data");
        if (data.size() != 1) {
            throw new IllegalArgumentException("expected one trace in data, got " + data.size() + ": " + json);
        }
        Map<String, Object> trace = Json.object(data.get(0), "data[0]");
        if (!traceId.equals(trace.get("traceID"))) {
            throw new IllegalArgumentException("asked for trace " + traceId + ", got " + trace.get("traceID"));
        }
        Map<String, String> services = new LinkedHashMap<>();
        Json.object(trace.get("processes"), "processes")
                .forEach((id, process) -> services.put(
                        id, String.valueOf(Json.object(process, "process " + id).get("serviceName"))));
        List<JaegerSpan> spans = new ArrayList<>();
        for (Object item : Json.array(trace.get("spans"), "spans")) {
            spans.add(span(Json.object(item, "span"), services));
        }
        spans.sort(Comparator.comparingLong(JaegerSpan::startMicros));
        List<String> warnings = new ArrayList<>();
        for (Object warning : Json.array(trace.get("warnings"), "warnings")) {
            warnings.add(String.valueOf(warning));
        }
        for (Object item : Json.array(trace.get("spans"), "spans")) {
            for (Object warning : Json.array(Json.object(item, "span").get("warnings"), "span warnings")) {
                warnings.add(String.valueOf(warning));
            }
        }
        return new JaegerTrace(traceId, List.copyOf(spans), List.copyOf(warnings), json);
    }

    private static JaegerSpan span(Map<String, Object> span, Map<String, String> services) {
        String parent = null;
        for (Object item : Json.array(span.get("references"), "references")) {
            Map<String, Object> reference = Json.object(item, "reference");
            if ("CHILD_OF".equals(reference.get("refType"))) {
                parent = (String) reference.get("spanID");
                break;
            }
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        for (Object item : Json.array(span.get("tags"), "tags")) {
            Map<String, Object> tag = Json.object(item, "tag");
            tags.put((String) tag.get("key"), tag.get("value"));
        }
        List<String> logNames = new ArrayList<>();
        for (Object item : Json.array(span.get("logs"), "logs")) {
            for (Object field : Json.array(Json.object(item, "log").get("fields"), "log fields")) {
                Map<String, Object> kv = Json.object(field, "log field");
                if ("event".equals(kv.get("key"))) {
                    logNames.add(String.valueOf(kv.get("value")));
                }
            }
        }
        return new JaegerSpan(
                (String) span.get("traceID"),
                (String) span.get("spanID"),
                parent,
                (String) span.get("operationName"),
                services.get(span.get("processID")),
                number(span.get("startTime")),
                number(span.get("duration")),
                Collections.unmodifiableMap(tags),
                List.copyOf(logNames));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }

    /** The spans of this kind ({@code SERVER}, {@code CLIENT}), in start order. */
    public List<JaegerSpan> ofKind(String kind) {
        return spans.stream().filter(s -> kind.equals(s.kind())).toList();
    }

    /** The span with this id, or null. */
    public JaegerSpan span(String spanId) {
        return spans.stream().filter(s -> s.spanId().equals(spanId)).findFirst().orElse(null);
    }

    /** One line per span, for failure messages. */
    public String describe() {
        StringBuilder text = new StringBuilder("Jaeger's trace " + traceId + ":");
        spans.forEach(span -> text.append("\n  ").append(span));
        if (!warnings.isEmpty()) {
            text.append("\n  warnings: ").append(warnings);
        }
        return text.toString();
    }
}
