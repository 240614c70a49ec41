package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's chart from fixed phase results: every phase, both sides, the run's own figures. */
class DemoChartTest {

    @TempDir
    Path dir;

    private static List<CallerResult> calls(int ok, int failed, int failedStatus, long millis) {
        List<CallerResult> calls = new ArrayList<>();
        calls.addAll(Collections.nCopies(ok, new CallerResult(200, "", millis, "application/json", "{}")));
        calls.addAll(Collections.nCopies(
                failed, new CallerResult(failedStatus, failedStatus == 0 ? "timeout" : "", millis * 10, "", "")));
        return calls;
    }

    @Test
    void drawsEveryPhaseOfBothStorefrontsFromTheirResults() throws Exception {
        List<PhaseResult> plain = List.of(
                new PhaseResult(ChaosMode.HEALTHY, false, calls(48, 0, 0, 20), 96),
                new PhaseResult(ChaosMode.SLOW, false, calls(0, 48, 0, 401), 96));
        List<PhaseResult> guarded = List.of(
                new PhaseResult(ChaosMode.HEALTHY, true, calls(48, 0, 0, 22), 96),
                new PhaseResult(ChaosMode.SLOW, true, calls(0, 48, 504, 200), 96));
        DemoSettings settings = new DemoSettings(Path.of("agent.jar"), 48, 12, Duration.ofSeconds(4), false, null);

        List<Path> files = DemoChart.write(dir.resolve("demo-report"), settings, plain, guarded);

        String svg = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertThat(svg)
                .contains(
                        ">healthy<",
                        ">slow<",
                        ">without Upstream Guard<",
                        ">with Upstream Guard<",
                        ">100%<",
                        ">0%<",
                        ">20 ms<",
                        ">22 ms<",
                        ">4.0 s<",
                        ">2.0 s<",
                        ">96<",
                        "48 requests a phase to each storefront, 12 a second; callers give up after 4 s");
        BufferedImage png = ImageIO.read(files.get(1).toFile());
        assertThat(png.getWidth()).isEqualTo(DemoChart.WIDTH);
        assertThat(png.getHeight()).isEqualTo(DemoChart.HEIGHT);
    }

    @Test
    void theChartGoesIntoTheDemosTargetFolder() {
        // in a build the classes are in samples/demo/target/classes; from the jar, beside it
        assertThat(DemoChart.folder().getFileName().toString()).isEqualTo("target");
    }
}
