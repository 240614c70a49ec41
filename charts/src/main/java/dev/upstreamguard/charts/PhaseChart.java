package dev.upstreamguard.charts;

import java.util.List;
import java.util.Locale;

/**
 * The demo's picture: for each phase, what the callers of the storefront without Upstream Guard and
 * of the one with it got (success rate, p50 and p99 latency) and how many attempts reached the
 * upstreams. Four panels, the phases along the bottom of each.
 */
public final class PhaseChart {

    private PhaseChart() {}

    /**
     * What one storefront measured in one phase.
     *
     * @param successPercent share of successful answers, 0 to 100
     * @param p50Millis median latency the callers saw, in ms
     * @param p99Millis 99th percentile, in ms
     * @param upstreamAttempts attempts that reached the upstreams
     */
    public record Figures(double successPercent, double p50Millis, double p99Millis, long upstreamAttempts) {}

    /**
     * One phase, both storefronts.
     *
     * @param name the phase, as the demo's table names it
     * @param unguarded the storefront without Upstream Guard
     * @param guarded the storefront with the agent and the filter
     */
    public record Phase(String name, Figures unguarded, Figures guarded) {}

    /**
     * The sheet: success rate, p50, p99 and upstream attempts, a panel each.
     *
     * @param note where the figures come from (e.g. "one demo run, 48 requests a phase at 12 a second")
     */
    public static ChartSheet sheet(String note, List<Phase> phases) {
        BarPanel success = BarPanel.of(
                        "Callers answered with success", "% of requests", v -> String.format(Locale.ROOT, "%.0f%%", v))
                .axis(112, 20);
        BarPanel p50 = BarPanel.of("Latency the callers saw, p50", "ms", PhaseChart::millis);
        BarPanel p99 = BarPanel.of("Latency the callers saw, p99", "ms", PhaseChart::millis);
        BarPanel attempts = BarPanel.of(
                "Attempts that reached the upstreams", "attempts", v -> String.format(Locale.ROOT, "%.0f", v));
        for (Phase phase : phases) {
            add(phase.name(), Palette.WITHOUT, phase.unguarded(), success, p50, p99, attempts);
            add(phase.name(), Palette.WITH, phase.guarded(), success, p50, p99, attempts);
        }
        return new ChartSheet(
                "The storefront through each phase of its upstreams, without and with " + "Upstream Guard",
                note,
                2,
                List.of(success.chart(), attempts.chart(), p50.chart(), p99.chart()));
    }

    private static void add(
            String phase,
            String side,
            Figures figures,
            BarPanel success,
            BarPanel p50,
            BarPanel p99,
            BarPanel attempts) {
        if (figures == null) {
            return;
        }
        success.bar(side, phase, figures.successPercent());
        p50.bar(side, phase, figures.p50Millis());
        p99.bar(side, phase, figures.p99Millis());
        attempts.bar(side, phase, figures.upstreamAttempts());
    }

    /** {@code 54 ms}, {@code 4.0 s}: as the demo's table writes them. */
    static String millis(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
