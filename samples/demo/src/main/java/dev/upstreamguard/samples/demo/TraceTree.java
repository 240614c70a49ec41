package dev.upstreamguard.samples.demo;

import dev.upstreamguard.testing.ReceivedSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Draws one trace's spans as a tree for a terminal: each span with its kind, name, start offset,
 * duration and what went wrong; the failed dependency's attempts are highlighted (in red when
 * colours are on).
 */
final class TraceTree {

    private static final String RED = "\u001b[31;1m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final List<ReceivedSpan> spans;
    private final boolean colour;
    private final long traceStart;
    private final String failedDependency;

    TraceTree(List<ReceivedSpan> spans, boolean colour) {
        this.spans = new ArrayList<>(spans);
        this.spans.sort(Comparator.comparingLong(ReceivedSpan::startEpochNanos));
        this.colour = colour;
        this.traceStart = this.spans.isEmpty() ? 0 : this.spans.get(0).startEpochNanos();
        this.failedDependency = this.spans.stream()
                .map(span -> span.attr("upstreamguard.failed.dependency"))
                .filter(name -> name != null)
                .findFirst()
                .orElse(null);
    }

    /** The tree, one line per span, roots first (spans whose parent is not in the trace). */
    String render() {
        Set<String> ids = new HashSet<>();
        spans.forEach(span -> ids.add(span.spanId()));
        StringBuilder out = new StringBuilder();
        for (ReceivedSpan span : spans) {
            if (!ids.contains(span.parentSpanId())) {
                draw(span, "", "", out);
            }
        }
        return out.toString();
    }

    private void draw(ReceivedSpan span, String lead, String childLead, StringBuilder out) {
        out.append(lead).append(describe(span)).append('\n');
        List<ReceivedSpan> children = spans.stream()
                .filter(child -> child.parentSpanId().equals(span.spanId()))
                .toList();
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            draw(children.get(i), childLead + (last ? "└─ " : "├─ "), childLead + (last ? "   " : "│  "), out);
        }
    }

    private String describe(ReceivedSpan span) {
        StringBuilder line = new StringBuilder();
        line.append(span.kind()).append(' ');
        String at = String.format(
                Locale.ROOT, "+%d ms, %s", (span.startEpochNanos() - traceStart) / 1_000_000, duration(span));
        if (span.kind().equals("SERVER")) {
            line.append(span.name());
            if (span.attr("url.path") != null && !span.name().contains("/")) {
                line.append(' ').append(span.attr("url.path"));
            }
            String status = span.attr("http.response.status_code");
            line.append("  ").append(dim(at));
            if (status != null) {
                line.append("  → ").append(status);
            }
            if (failedDependency != null) {
                line.append("  failed dependency: ").append(red(failedDependency));
                appendIf(line, "failure", span.attr("upstreamguard.failure"));
                appendIf(line, "attempts", span.attr("upstreamguard.attempts"));
            }
            appendIf(line, "service", stringOf(span.resource().get("service.name")));
            return line.toString();
        }
        String dependency = span.attr("upstreamguard.dependency");
        String attempt = span.attr("upstreamguard.attempt");
        String what = span.name()
                + (dependency != null ? " " + dependency : "")
                + (attempt != null ? " attempt " + attempt : "");
        String failure = span.attr("upstreamguard.failure");
        String status = span.attr("http.response.status_code");
        boolean failed = failure != null || "ERROR".equals(span.statusCode());
        line.append(failed && dependency != null && dependency.equals(failedDependency) ? red(what) : what);
        line.append("  ").append(dim(at));
        if (status != null) {
            line.append("  → ").append(status);
        }
        if (failure != null) {
            line.append("  ").append(red(failure));
        }
        appendIf(line, "outcome", span.attr("upstreamguard.outcome"));
        appendIf(line, "read timeout", millis(span.attr("upstreamguard.timeout.read_ms")));
        return line.toString();
    }

    private static String duration(ReceivedSpan span) {
        double millis = (span.endEpochNanos() - span.startEpochNanos()) / 1e6;
        return millis >= 1000
                ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
                : String.format(Locale.ROOT, "%.1f ms", millis);
    }

    private static String millis(String value) {
        return value == null ? null : value + " ms";
    }

    private static String stringOf(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static void appendIf(StringBuilder line, String label, String value) {
        if (value != null) {
            line.append("  ").append(label).append(": ").append(value);
        }
    }

    private String red(String text) {
        return colour ? RED + text + RESET : text;
    }

    private String dim(String text) {
        return colour ? DIM + text + RESET : text;
    }
}
