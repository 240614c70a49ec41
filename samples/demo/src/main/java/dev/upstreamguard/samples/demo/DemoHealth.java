package dev.upstreamguard.samples.demo;

import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedMetric;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * After the {@code down} phase: the guarded storefront's health answer (the filter's {@code health-path})
 * and the metric counts its agent exported to the demo's own OTLP receiver.
 */
final class DemoHealth {
    static final String HEALTH_PATH = "/upstream-guard/health";

    private DemoHealth() {}

    /** The health answer and the exported counts, as lines to print. */
    static String report(String guardedBaseUrl, OtlpReceiver receiver) {
        StringBuilder text = new StringBuilder();
        try {
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(guardedBaseUrl + HEALTH_PATH))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            text.append("  GET ")
                    .append(HEALTH_PATH)
                    .append(" -> ")
                    .append(health.statusCode())
                    .append(' ')
                    .append(health.body())
                    .append('\n');
        } catch (Exception e) {
            text.append("  GET ")
                    .append(HEALTH_PATH)
                    .append(" failed: ")
                    .append(e.getClass().getSimpleName())
                    .append('\n');
        }
        // The agent exports every second (otel.metric.export.interval=1000): wait for one after the phase.
        int before = receiver.exportRequests(OtlpReceiver.METRICS);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (receiver.exportRequests(OtlpReceiver.METRICS) <= before && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        text.append("  metrics exported over OTLP (/v1/metrics), totals since start:\n");
        text.append(counts(receiver.latestMetric("upstreamguard.calls"), "calls", "upstreamguard.outcome"));
        text.append(counts(receiver.latestMetric("upstreamguard.retries"), "retries", "upstreamguard.failure"));
        text.append(counts(
                receiver.latestMetric("upstreamguard.breaker.transitions"),
                "breaker transitions",
                "upstreamguard.breaker.state"));
        return text.toString();
    }

    /** One line per dependency: {@code what} by the values of {@code key}. */
    private static String counts(ReceivedMetric metric, String what, String key) {
        if (metric == null) {
            return String.format(Locale.ROOT, "    %-20s none%n", what);
        }
        Map<String, Map<String, Long>> byDependency = new TreeMap<>();
        metric.points()
                .forEach(p -> byDependency
                        .computeIfAbsent(
                                String.valueOf(p.attributes().get("upstreamguard.dependency")), d -> new TreeMap<>())
                        .merge(String.valueOf(p.attributes().get(key)), (long) p.value(), Long::sum));
        StringBuilder text = new StringBuilder();
        byDependency.forEach((dependency, values) -> text.append(String.format(
                Locale.ROOT,
                "    %-20s %-10s %s%n",
                what,
                dependency,
                values.toString().replace("{", "").replace("}", ""))));
        return text.toString();
    }
}
