package dev.upstreamguard.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkChartsTest {

    @TempDir
    Path dir;

    private static Map<String, Double> medians(double none, double ug, double otel) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Palette.NO_AGENT, none);
        m.put(Palette.UPSTREAM_GUARD, ug);
        m.put(Palette.OPENTELEMETRY, otel);
        return m;
    }

    private static BenchmarkCharts.Figure figure(String title, String axis, Map<String, Map<String, Double>> rows) {
        return new BenchmarkCharts.Figure(title, axis, v -> String.format(Locale.ROOT, "%.1f", v), rows);
    }

    @Test
    void perCallOverheadIsEachAgentsMedianLessTheNoAgentMedian() throws Exception {
        Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
        latency.put("httpClientSend", medians(192.41, 203.89, 243.31));
        latency.put("okHttp", medians(105.76, 119.57, 121.48));
        // a partial run: no OpenTelemetry figure for this client
        Map<String, Double> partial = new LinkedHashMap<>();
        partial.put(Palette.NO_AGENT, 87.53);
        partial.put(Palette.UPSTREAM_GUARD, 106.33);
        latency.put("httpUrlConnection", partial);
        Map<String, Map<String, Double>> allocation = new LinkedHashMap<>();
        allocation.put("httpClientSend", medians(14938, 18291, 20070));

        List<Path> files = BenchmarkCharts.perCallOverhead(
                        "run of today",
                        List.of(
                                figure("Latency per call", "µs", latency),
                                figure("Allocation per call", "bytes", allocation)))
                .write(dir.resolve("per-call"), 1000, 900);

        List<String> texts = ChartFiles.svgTexts(files.get(0), 1000, 900);
        assertThat(texts)
                .contains(
                        "Upstream Guard",
                        "OpenTelemetry agent",
                        "httpClientSend",
                        "okHttp",
                        "httpUrlConnection",
                        "Latency per call",
                        "Allocation per call",
                        "run of today",
                        "11.5",
                        "50.9",
                        "13.8",
                        "15.7",
                        "18.8",
                        "3353.0",
                        "5132.0");
        assertThat(texts).doesNotContain("no agent");
        BufferedImage png = ChartFiles.png(files.get(1), 1000, 900);
        assertThat(ChartFiles.pixels(png, Palette.BLUE)).isGreaterThan(1000);
        assertThat(ChartFiles.pixels(png, Palette.ORANGE)).isGreaterThan(1000);
    }

    @Test
    void startUpAndMemoryShowEachVariantsMedian() throws Exception {
        Map<String, Map<String, Double>> startup = new LinkedHashMap<>();
        startup.put("median of 10 runs", medians(39.3, 918.3, 2301.8));
        Map<String, Map<String, Double>> memory = new LinkedHashMap<>();
        memory.put("median of 10 runs", medians(66.6, 121.5, 216.1));

        List<Path> files = BenchmarkCharts.startup(
                        null,
                        List.of(
                                figure("Start-up to the first line of main", "ms", startup),
                                figure("Resident memory after start-up", "MiB", memory)))
                .write(dir.resolve("startup"), 900, 500);

        List<String> texts = ChartFiles.svgTexts(files.get(0), 900, 500);
        assertThat(texts)
                .contains(
                        "no agent",
                        "Upstream Guard",
                        "OpenTelemetry agent",
                        "Start-up to the first line of main",
                        "Resident memory after start-up",
                        "39.3",
                        "918.3",
                        "2301.8",
                        "216.1");
        BufferedImage png = ChartFiles.png(files.get(1), 900, 500);
        assertThat(ChartFiles.pixels(png, Palette.GREY)).isGreaterThan(500);
        assertThat(ChartFiles.pixels(png, Palette.BLUE)).isGreaterThan(500);
        assertThat(ChartFiles.pixels(png, Palette.ORANGE)).isGreaterThan(500);
    }

    @Test
    void aValueThatIsNotANumberIsRefusedNotDrawn() {
        assertThatThrownBy(
                        () -> BarPanel.of("Latency", "µs", String::valueOf).bar("Upstream Guard", "okHttp", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Latency: Upstream Guard / okHttp: NaN is not a finite number");
    }
}
