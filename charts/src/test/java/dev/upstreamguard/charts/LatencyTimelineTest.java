package dev.upstreamguard.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyTimelineTest {

    @TempDir
    Path dir;

    /** A small cascade: the slow endpoint climbs without the agent; with it the breaker opens. */
    private static List<String> cascadeCsv() {
        List<String> lines = new ArrayList<>();
        lines.add("# cascade test, fixed data");
        lines.add("kind,run,series or t_ms,t_ms or label,latency_ms");
        for (int t = 0; t <= 10_000; t += 250) {
            boolean slowing = t >= 2_000;
            lines.add("sample,without Upstream Guard,healthy endpoint," + t + "," + (slowing ? 800 + t / 4 : 12));
            lines.add("sample,without Upstream Guard,slow endpoint," + t + "," + (slowing ? 3000 : 15));
            lines.add("sample,with Upstream Guard,healthy endpoint," + t + ",13.5");
            boolean open = t >= 3_000 && t < 8_000;
            lines.add("sample,with Upstream Guard,slow endpoint," + t + "," + (slowing ? (open ? 0.4 : 1000) : 16));
        }
        lines.add("");
        lines.add("event,with Upstream Guard,3000,breaker open");
        lines.add("event,with Upstream Guard,6000,probe <1 call> & fail");
        lines.add("event,with Upstream Guard,8000,breaker closed, traffic resumes");
        return lines;
    }

    @Test
    void readsTheCsvFormat() throws Exception {
        Path csv = dir.resolve("cascade.csv");
        Files.write(csv, cascadeCsv(), StandardCharsets.UTF_8);

        LatencyTimeline timeline = LatencyTimeline.read(csv);

        assertThat(timeline.samples()).hasSize(4 * 41);
        assertThat(timeline.samples().get(1))
                .isEqualTo(new LatencyTimeline.Sample("without Upstream Guard", "slow endpoint", 0, 15));
        assertThat(timeline.events())
                .extracting(LatencyTimeline.Event::label)
                .containsExactly("breaker open", "probe <1 call> & fail", "breaker closed, traffic resumes");
        assertThat(timeline.events().get(2).tMillis()).isEqualTo(8000);
        // and writes it back
        assertThat(LatencyTimeline.parse("again", timeline.toCsv().lines().toList()))
                .usingRecursiveComparison()
                .isEqualTo(timeline);
    }

    @Test
    void drawsAPanelPerRunWithEverySeriesAndEveryEventLabelled() throws Exception {
        LatencyTimeline timeline = LatencyTimeline.parse("fixed", cascadeCsv());

        List<Path> files = timeline.sheet("Cascade: a slow dependency, without and with Upstream Guard", "fixed data")
                .write(dir.resolve("cascade"), 1100, 800);

        List<String> texts = ChartFiles.svgTexts(files.get(0), 1100, 800);
        assertThat(texts)
                .contains(
                        "Cascade: a slow dependency, without and with Upstream Guard",
                        "without Upstream Guard",
                        "with Upstream Guard",
                        "healthy endpoint",
                        "slow endpoint",
                        "breaker open",
                        "probe <1 call> & fail",
                        "breaker closed, traffic resumes",
                        "seconds since the run started",
                        "latency (ms, log scale)");
        assertThat(texts).containsOnlyOnce("healthy endpoint", "slow endpoint");
        BufferedImage png = ChartFiles.png(files.get(1), 1100, 800);
        // the dots, drawn translucent over white, and the events (dashed lines and their labels)
        assertThat(ChartFiles.pixelsNear(png, overWhite(Palette.of("healthy endpoint", 0)), 30))
                .isGreaterThan(300);
        assertThat(ChartFiles.pixelsNear(png, overWhite(Palette.of("slow endpoint", 1)), 30))
                .isGreaterThan(300);
        assertThat(ChartFiles.pixelsNear(png, new Color(0xB0, 0x30, 0x30), 40)).isGreaterThan(100);
    }

    /** A dot's colour where it covers white alone (dots are drawn at alpha 170 of 255). */
    private static Color overWhite(Color colour) {
        return new Color(
                (colour.getRed() * 170 + 255 * 85) / 255,
                (colour.getGreen() * 170 + 255 * 85) / 255,
                (colour.getBlue() * 170 + 255 * 85) / 255);
    }

    @Test
    void aBadLineIsNamedWithItsNumberItsValueAndTheFormat() {
        List<String> lines = List.of(
                "# ok",
                "sample,with Upstream Guard,healthy endpoint,10,5",
                "sample,with Upstream Guard,healthy endpoint,20,fast");

        assertThatThrownBy(() -> LatencyTimeline.parse("cascade.csv", lines))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cascade.csv line 3: \"sample,with Upstream Guard,healthy endpoint,20,fast\": "
                        + "latency_ms \"fast\" is not a number (expected sample,<run>,<series>,<t_ms>,"
                        + "<latency_ms> or event,<run>,<t_ms>,<label>)");
        assertThatThrownBy(() -> LatencyTimeline.parse("x", List.of("point,a,b,1,2")))
                .hasMessageContaining("x line 1: \"point,a,b,1,2\": a line starts with sample or event");
        assertThatThrownBy(() -> LatencyTimeline.parse("x", List.of("sample,a,b,1")))
                .hasMessageContaining("a sample has 5 fields, this line 4");
        assertThatThrownBy(() -> LatencyTimeline.parse("x", List.of("sample,a,b,-1,2")))
                .hasMessageContaining("t_ms -1.0 must be a finite number, 0 or more");
        assertThatThrownBy(() -> LatencyTimeline.parse("x", List.of("event,a,1, ")))
                .hasMessageContaining("label \"\" must be one non-blank line");
    }

    @Test
    void nothingToDrawIsSaidNotDrawnEmpty() {
        assertThatThrownBy(() -> new LatencyTimeline(List.of(), List.of()).sheet("t", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("nothing to draw: no sample and no event");
    }
}
