package dev.upstreamguard.it;

import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedSpan;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The OTLP receiver the agent of this JVM exports to: one per JVM, on the port the build reserved and
 * passed to the agent as {@code otel.exporter.otlp.endpoint}.
 */
final class Collector {

    private static OtlpReceiver receiver;

    private Collector() {}

    static synchronized OtlpReceiver receiver() {
        if (receiver == null) {
            receiver = OtlpReceiver.start(Integer.getInteger("it.otlp.port"));
        }
        return receiver;
    }

    /** The CLIENT spans of calls to {@code port}, ordered by attempt, once {@code count} have arrived. */
    static List<ReceivedSpan> clientSpans(int port, int count) {
        return receiver()
                .awaitSpans(
                        s -> "CLIENT".equals(s.kind()) && Long.valueOf(port).equals(s.longAttr("server.port")),
                        count,
                        Duration.ofSeconds(10))
                .stream()
                .sorted(Comparator.comparing((ReceivedSpan s) -> s.longAttr("upstreamguard.attempt"))
                        .thenComparing(ReceivedSpan::startEpochNanos))
                .collect(Collectors.toList());
    }

    /** All spans received so far for calls to {@code port}. */
    static List<ReceivedSpan> spansTo(int port) {
        return receiver().spans().stream()
                .filter(s -> Long.valueOf(port).equals(s.longAttr("server.port")))
                .collect(Collectors.toList());
    }
}
