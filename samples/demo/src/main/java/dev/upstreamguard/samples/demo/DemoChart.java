package dev.upstreamguard.samples.demo;

import dev.upstreamguard.charts.PhaseChart;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's table as a picture: {@code demo-report.svg} and {@code .png} in the demo's {@code
 * target/} folder (beside its jar, or beside its classes in a build), drawn from the run's own
 * figures only.
 */
final class DemoChart {

    static final int WIDTH = 1000;
    static final int HEIGHT = 760;

    private DemoChart() {}

    /**
     * Draws the chart and says where it is, in a line; a chart that cannot be drawn is said in a line
     * too and never fails the demo.
     */
    static String write(DemoSettings settings, List<PhaseResult> plain, List<PhaseResult> guarded) {
        Path base = folder().resolve("demo-report");
        try {
            List<Path> files = write(base, settings, plain, guarded);
            return "Chart of this run: " + files.get(0) + " (and "
                    + files.get(1).getFileName() + ")\n";
        } catch (Exception | LinkageError | java.awt.AWTError e) {
            return "No chart drawn (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")\n";
        }
    }

    /** Writes {@code base.svg} and {@code base.png}; returns them, SVG first. */
    static List<Path> write(Path base, DemoSettings settings, List<PhaseResult> plain, List<PhaseResult> guarded)
            throws IOException {
        List<PhaseChart.Phase> phases = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            phases.add(
                    new PhaseChart.Phase(plain.get(i).mode().label(), figures(plain.get(i)), figures(guarded.get(i))));
        }
        String note = String.format(
                Locale.ROOT,
                "One demo run on %s: %d requests a phase to each "
                        + "storefront, %d a second; callers give up after %d s. Every figure measured in the run.",
                LocalDate.now(ZoneOffset.UTC),
                settings.requestsPerPhase(),
                settings.ratePerSecond(),
                settings.callerTimeout().toSeconds());
        return PhaseChart.sheet(note, phases).write(base, WIDTH, HEIGHT);
    }

    private static PhaseChart.Figures figures(PhaseResult result) {
        return new PhaseChart.Figures(
                result.successPercent(),
                result.percentileMillis(50),
                result.percentileMillis(99),
                result.upstreamAttempts());
    }

    /** The folder holding the demo's jar or its classes' folder: its {@code target/}. */
    static Path folder() {
        try {
            Path code = Path.of(DemoChart.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path parent = code.toAbsolutePath().getParent();
            if (parent != null && Files.isDirectory(parent)) {
                return parent;
            }
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            // below
        }
        return Path.of("target").toAbsolutePath();
    }
}
