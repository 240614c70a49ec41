package dev.upstreamguard.testing;

import java.util.List;
import java.util.Map;

/**
 * One metric of one export as {@link OtlpReceiver} decoded it. Immutable. With the SDK's default
 * cumulative temporality, the newest export of a metric holds its totals.
 *
 * @param name the instrument name
 * @param unit the unit, {@code ""} when none
 * @param kind {@code SUM}, {@code GAUGE}, {@code HISTOGRAM}, {@code EXPONENTIAL_HISTOGRAM} or {@code SUMMARY}
 * @param monotonic for a {@code SUM}: true for a counter, false for an up-down counter
 * @param temporality {@code CUMULATIVE}, {@code DELTA} or {@code UNSPECIFIED} (none for a gauge)
 * @param points the data points, one per attribute set
 * @param scopeName the instrumentation scope name
 * @param resource the attributes of the resource that sent it
 */
public record ReceivedMetric(
        String name,
        String unit,
        String kind,
        boolean monotonic,
        String temporality,
        List<ReceivedPoint> points,
        String scopeName,
        Map<String, Object> resource) {

    /**
     * The sum of the points' values (a histogram's count) over the points whose attributes hold every
     * entry of {@code having}.
     */
    public double total(Map<String, Object> having) {
        double total = 0;
        for (ReceivedPoint point : points) {
            if (point.attributes().entrySet().containsAll(having.entrySet())) {
                total += "HISTOGRAM".equals(kind) ? point.count() : point.value();
            }
        }
        return total;
    }

    /**
     * One data point.
     *
     * @param attributes its attributes (values as in {@link ReceivedSpan})
     * @param value a sum's or gauge's value; a histogram's sum
     * @param count a histogram's count (0 otherwise)
     * @param bounds a histogram's explicit bucket boundaries (empty otherwise)
     */
    public record ReceivedPoint(Map<String, Object> attributes, double value, long count, List<Double> bounds) {}
}
