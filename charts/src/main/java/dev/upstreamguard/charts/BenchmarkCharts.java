package dev.upstreamguard.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.jfree.chart.JFreeChart;

/**
 * The benchmarks' pictures, from the medians a run measured: each agent's overhead per call next to
 * the other's (latency, CPU time, allocation; one bar per client and agent), and start-up and memory
 * of all three variants. Variants are named as in {@link Palette}: {@link Palette#NO_AGENT}, {@link
 * Palette#UPSTREAM_GUARD}, {@link Palette#OPENTELEMETRY}.
 */
public final class BenchmarkCharts {

    private static final List<String> AGENTS = List.of(Palette.UPSTREAM_GUARD, Palette.OPENTELEMETRY);
    private static final List<String> VARIANTS =
            List.of(Palette.NO_AGENT, Palette.UPSTREAM_GUARD, Palette.OPENTELEMETRY);

    private BenchmarkCharts() {}

    /**
     * The medians of one figure.
     *
     * @param title the panel's title
     * @param axis the value axis' label, with its unit
     * @param label how a value is written on its bar
     * @param medians row (a client, or a start-up figure) to variant name to median, in drawing order
     */
    public record Figure(
            String title, String axis, DoubleFunction<String> label, Map<String, Map<String, Double>> medians) {}

    /**
     * Per-call overhead: a panel per figure, a bar per row and agent, of the agent's median minus the
     * no-agent median of that row (the "overhead UG / OTel" column of the results table). A row
     * without a no-agent median, or without an agent's, gets no bar for that agent.
     */
    public static ChartSheet perCallOverhead(String note, List<Figure> figures) {
        List<JFreeChart> panels = new ArrayList<>();
        for (Figure figure : figures) {
            BarPanel panel = BarPanel.of(figure.title(), figure.axis(), figure.label());
            for (Map.Entry<String, Map<String, Double>> row : figure.medians().entrySet()) {
                Double none = row.getValue().get(Palette.NO_AGENT);
                for (String agent : AGENTS) {
                    Double median = row.getValue().get(agent);
                    if (none != null && median != null) {
                        panel.bar(agent, row.getKey(), median - none);
                    }
                }
            }
            panels.add(panel.chart());
        }
        return new ChartSheet("Overhead per call over no agent (lower is better)", note, 1, panels);
    }

    /** Start-up and memory: a panel per figure, the median of each variant per row. */
    public static ChartSheet startup(String note, List<Figure> figures) {
        List<JFreeChart> panels = new ArrayList<>();
        for (Figure figure : figures) {
            BarPanel panel = BarPanel.of(figure.title(), figure.axis(), figure.label());
            for (Map.Entry<String, Map<String, Double>> row : figure.medians().entrySet()) {
                for (String variant : VARIANTS) {
                    Double median = row.getValue().get(variant);
                    if (median != null) {
                        panel.bar(variant, row.getKey(), median);
                    }
                }
            }
            panels.add(panel.chart());
        }
        return new ChartSheet("Start-up and memory (lower is better)", note, figures.size(), panels);
    }
}
