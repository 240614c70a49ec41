package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedSpan;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** The spans of one trace as the OTLP receiver got them: the SERVER span and the agent's CLIENT attempts. */
record Trace(String traceId, List<ReceivedSpan> spans) {

    /**
     * Waits for the trace's SERVER span and {@code attempts} Upstream Guard CLIENT attempt spans (the server
     * span ends last, after the response: waiting for it means the trace is complete), then a little longer
     * for anything extra, such as a second server span, that must not be there.
     */
    static Trace await(OtlpReceiver receiver, String traceId, int attempts) {
        receiver.awaitSpans(s -> traceId.equals(s.traceId()) && "SERVER".equals(s.kind()), 1, Duration.ofSeconds(20));
        receiver.awaitSpans(s -> traceId.equals(s.traceId()) && isAttempt(s), attempts, Duration.ofSeconds(20));
        try {
            Thread.sleep(300); // two export intervals: a duplicate span would have come by now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ReceivedSpan> spans = receiver.spans().stream()
                .filter(s -> traceId.equals(s.traceId()))
                .collect(Collectors.toList());
        return new Trace(traceId, spans);
    }

    static boolean isAttempt(ReceivedSpan span) {
        return "CLIENT".equals(span.kind()) && span.hasAttr("upstreamguard.attempt");
    }

    List<ReceivedSpan> serverSpans() {
        return spans.stream().filter(s -> "SERVER".equals(s.kind())).collect(Collectors.toList());
    }

    /** The Upstream Guard attempt spans, in attempt order. */
    List<ReceivedSpan> attempts() {
        return spans.stream()
                .filter(Trace::isAttempt)
                .sorted(Comparator.comparing((ReceivedSpan s) -> s.longAttr("upstreamguard.attempt")))
                .collect(Collectors.toList());
    }

    /** One line per span: name, kind, parentage, scope and attributes, for failure messages and the report. */
    String describe() {
        StringBuilder text = new StringBuilder("trace " + traceId + ":");
        for (ReceivedSpan span : spans) {
            text.append("\n  [")
                    .append(span.scopeName())
                    .append(" / ")
                    .append(span.resource().get("service.name"))
                    .append("] ")
                    .append(span);
        }
        return text.toString();
    }
}
