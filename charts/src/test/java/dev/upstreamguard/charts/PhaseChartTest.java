package dev.upstreamguard.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhaseChartTest {

    @TempDir
    Path dir;

    // the README's demo table
    private static final List<PhaseChart.Phase> PHASES = List.of(
            new PhaseChart.Phase(
                    "healthy", new PhaseChart.Figures(100, 20, 54, 96), new PhaseChart.Figures(100, 22, 56, 96)),
            new PhaseChart.Phase(
                    "flaky", new PhaseChart.Figures(47.9, 18, 141, 95), new PhaseChart.Figures(91.7, 61, 353, 150)),
            new PhaseChart.Phase(
                    "slow", new PhaseChart.Figures(0, 4012, 4100, 96), new PhaseChart.Figures(0, 2003, 2200, 96)),
            new PhaseChart.Phase("down", new PhaseChart.Figures(0, 9, 370, 0), new PhaseChart.Figures(0, 86, 377, 0)));

    @Test
    void writesAnSvgAndAPngWithBothSidesEveryPhaseAndTheMeasuredValues() throws Exception {
        List<Path> files = PhaseChart.sheet("one demo run", PHASES).write(dir.resolve("demo-report"), 1000, 760);

        assertThat(files).containsExactly(dir.resolve("demo-report.svg"), dir.resolve("demo-report.png"));
        List<String> texts = ChartFiles.svgTexts(files.get(0), 1000, 760);
        assertThat(texts)
                .contains(
                        "without Upstream Guard",
                        "with Upstream Guard",
                        "healthy",
                        "flaky",
                        "slow",
                        "down",
                        "Callers answered with success",
                        "Latency the callers saw, p50",
                        "Latency the callers saw, p99",
                        "Attempts that reached the upstreams",
                        "one demo run");
        // values as measured, written the way the demo's table writes them
        assertThat(texts).contains("48%", "92%", "4.0 s", "2.0 s", "353 ms", "150", "0");
        // the legend names each side once, however many panels show it
        assertThat(texts).containsOnlyOnce("with Upstream Guard", "without Upstream Guard");

        BufferedImage png = ChartFiles.png(files.get(1), 1000, 760);
        assertThat(ChartFiles.pixels(png, Palette.BLUE)).as("guarded bars").isGreaterThan(2000);
        assertThat(ChartFiles.pixels(png, Palette.GREY)).as("unguarded bars").isGreaterThan(2000);
    }

    @Test
    void aSideThatWasNotMeasuredGetsNoBarNotAZero() throws Exception {
        List<PhaseChart.Phase> onlyGuarded =
                List.of(new PhaseChart.Phase("breaker open", null, new PhaseChart.Figures(12.5, 3, 7, 1)));

        List<Path> files = PhaseChart.sheet(null, onlyGuarded).write(dir.resolve("one-side"), 800, 600);

        List<String> texts = ChartFiles.svgTexts(files.get(0), 800, 600);
        assertThat(texts)
                .contains("breaker open", "13%", "3 ms", "7 ms", "1", "with Upstream Guard")
                .doesNotContain("without Upstream Guard", "0%", "0 ms");
        ChartFiles.png(files.get(1), 800, 600);
    }

    @Test
    void millisecondsAsTheDemoWritesThem() {
        assertThat(PhaseChart.millis(54)).isEqualTo("54 ms");
        assertThat(PhaseChart.millis(999.4)).isEqualTo("999 ms");
        assertThat(PhaseChart.millis(4012)).isEqualTo("4.0 s");
    }
}
