package dev.upstreamguard.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Latency over time, with events marked: the cascade picture (a healthy and a slow endpoint, without
 * and with Upstream Guard, the moments the breaker opens, probes and closes). One panel per run,
 * stacked, on the same time and latency scales; a dot per measured call, a vertical line per event.
 *
 * <p>The CSV a test writes, one record a line; blank lines and lines starting with {@code #} are
 * ignored, and so is a header line starting with {@code kind,}:
 *
 * <pre>
 * sample,&lt;run&gt;,&lt;series&gt;,&lt;t_ms&gt;,&lt;latency_ms&gt;
 * event,&lt;run&gt;,&lt;t_ms&gt;,&lt;label&gt;
 * </pre>
 *
 * <p>{@code run} names a panel (e.g. {@code without Upstream Guard}), {@code series} the endpoint
 * (e.g. {@code healthy endpoint}); neither may hold a comma. {@code t_ms} is when the call was sent
 * (or the event happened), in ms since that run started; {@code latency_ms} how long the caller
 * waited for its answer, in ms (a decimal point allowed, no unit). An event's {@code label} is the
 * rest of the line (e.g. {@code breaker open}). Runs and series are drawn in the order they first
 * appear. Immutable and thread-safe.
 */
public final class LatencyTimeline {

    private static final String FORMAT = "sample,<run>,<series>,<t_ms>,<latency_ms> or event,<run>,<t_ms>,<label>";
    private static final Color EVENT = new Color(0xB0, 0x30, 0x30);
    private static final Font EVENT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    /** Latencies below this are drawn at it: a log axis has no zero. */
    private static final double FLOOR_MILLIS = 0.1;

    /** One measured call. */
    public record Sample(String run, String series, double tMillis, double latencyMillis) {
        public Sample {
            checkName("run", run);
            checkName("series", series);
            checkNumber("t_ms", tMillis);
            checkNumber("latency_ms", latencyMillis);
        }
    }

    /** One moment to mark, e.g. the breaker opening. */
    public record Event(String run, double tMillis, String label) {
        public Event {
            checkName("run", run);
            checkNumber("t_ms", tMillis);
            if (label == null || label.isBlank() || label.contains("\n")) {
                throw new IllegalArgumentException("label \"" + label + "\" must be one non-blank line");
            }
        }
    }

    private final List<Sample> samples;
    private final List<Event> events;

    public LatencyTimeline(List<Sample> samples, List<Event> events) {
        this.samples = List.copyOf(samples);
        this.events = List.copyOf(events);
    }

    public List<Sample> samples() {
        return samples;
    }

    public List<Event> events() {
        return events;
    }

    /** Reads the CSV format above (UTF-8). */
    public static LatencyTimeline read(Path csv) throws IOException {
        return parse(csv.getFileName().toString(), Files.readAllLines(csv, StandardCharsets.UTF_8));
    }

    /**
     * Parses the CSV format above.
     *
     * @param source names the input in errors
     * @throws IllegalArgumentException naming the line, the value and the format expected
     */
    public static LatencyTimeline parse(String source, List<String> lines) {
        List<Sample> samples = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("kind,")) {
                continue;
            }
            try {
                if (line.startsWith("sample,")) {
                    String[] f = line.split(",", -1);
                    if (f.length != 5) {
                        throw new IllegalArgumentException("a sample has 5 fields, this line " + f.length);
                    }
                    samples.add(
                            new Sample(f[1].strip(), f[2].strip(), number("t_ms", f[3]), number("latency_ms", f[4])));
                } else if (line.startsWith("event,")) {
                    String[] f = line.split(",", 4);
                    if (f.length != 4) {
                        throw new IllegalArgumentException("an event has 4 fields, this line " + f.length);
                    }
                    events.add(new Event(f[1].strip(), number("t_ms", f[2]), f[3].strip()));
                } else {
                    throw new IllegalArgumentException("a line starts with sample or event");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        source + " line " + (i + 1) + ": \"" + line + "\": " + e.getMessage() + " (expected " + FORMAT
                                + ")",
                        e);
            }
        }
        return new LatencyTimeline(samples, events);
    }

    /** This timeline in the CSV format above, with a header line; {@link #parse} reads it back. */
    public String toCsv() {
        StringBuilder csv = new StringBuilder("kind,run,series or t_ms,t_ms or label,latency_ms\n");
        for (Sample s : samples) {
            csv.append("sample,")
                    .append(s.run())
                    .append(',')
                    .append(s.series())
                    .append(',')
                    .append(decimal(s.tMillis()))
                    .append(',')
                    .append(decimal(s.latencyMillis()))
                    .append('\n');
        }
        for (Event e : events) {
            csv.append("event,")
                    .append(e.run())
                    .append(',')
                    .append(decimal(e.tMillis()))
                    .append(',')
                    .append(e.label())
                    .append('\n');
        }
        return csv.toString();
    }

    /**
     * The picture: a panel per run, stacked, a dot per sample (latency on a log scale), a vertical
     * line per event.
     *
     * @param title what the picture shows
     * @param note where the figures come from (the test, the command), or null
     */
    public ChartSheet sheet(String title, String note) {
        Set<String> runs = new LinkedHashSet<>();
        Set<String> series = new LinkedHashSet<>();
        double lastMillis = 0;
        double minLatency = Double.MAX_VALUE;
        double maxLatency = 0;
        for (Sample s : samples) {
            runs.add(s.run());
            series.add(s.series());
            lastMillis = Math.max(lastMillis, s.tMillis());
            minLatency = Math.min(minLatency, Math.max(FLOOR_MILLIS, s.latencyMillis()));
            maxLatency = Math.max(maxLatency, s.latencyMillis());
        }
        for (Event e : events) {
            runs.add(e.run());
            lastMillis = Math.max(lastMillis, e.tMillis());
        }
        if (runs.isEmpty()) {
            throw new IllegalStateException("nothing to draw: no sample and no event");
        }
        if (maxLatency == 0) {
            minLatency = 1;
            maxLatency = 1000;
        }
        List<String> seriesOrder = new ArrayList<>(series);
        List<JFreeChart> panels = new ArrayList<>();
        for (String run : runs) {
            panels.add(panel(run, seriesOrder, lastMillis, minLatency, maxLatency));
        }
        return new ChartSheet(title, note, 1, panels);
    }

    private JFreeChart panel(
            String run, List<String> seriesOrder, double lastMillis, double minLatency, double maxLatency) {
        Map<String, XYSeries> bySeries = new LinkedHashMap<>();
        for (String name : seriesOrder) {
            bySeries.put(name, new XYSeries(name, false, true));
        }
        for (Sample s : samples) {
            if (s.run().equals(run)) {
                bySeries.get(s.series()).add(s.tMillis() / 1000, Math.max(FLOOR_MILLIS, s.latencyMillis()));
            }
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        bySeries.values().forEach(dataset::addSeries);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < seriesOrder.size(); i++) {
            Color colour = Palette.of(seriesOrder.get(i), i);
            renderer.setSeriesPaint(i, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 170));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-2, -2, 4, 4));
        }
        NumberAxis time = new NumberAxis("seconds since the run started");
        time.setRange(0, Math.max(1, lastMillis / 1000 * 1.02));
        time.setLabelFont(BarPanel.LABEL_FONT);
        time.setTickLabelFont(BarPanel.LABEL_FONT);
        LogAxis latency = new LogAxis("latency (ms, log scale)");
        latency.setSmallestValue(FLOOR_MILLIS);
        latency.setRange(minLatency / 1.5, maxLatency * 1.5);
        latency.setTickUnit(new NumberTickUnit(1)); // a tick per power of ten
        latency.setNumberFormatOverride(new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        latency.setLabelFont(BarPanel.LABEL_FONT);
        latency.setTickLabelFont(BarPanel.LABEL_FONT);

        XYPlot plot = new XYPlot(dataset, time, latency, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(BarPanel.GRID);
        plot.setRangeGridlinePaint(BarPanel.GRID);
        int n = 0;
        for (Event e : events) {
            if (!e.run().equals(run)) {
                continue;
            }
            ValueMarker marker = new ValueMarker(
                    e.tMillis() / 1000,
                    EVENT,
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
            marker.setLabel(e.label());
            marker.setLabelFont(EVENT_FONT);
            marker.setLabelPaint(EVENT);
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 210));
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            // events close in time: stagger their labels over four heights
            marker.setLabelOffset(new RectangleInsets(3 + 12 * (n++ % 4), 3, 3, 3));
            plot.addDomainMarker(marker);
        }
        JFreeChart chart = new JFreeChart(run, BarPanel.PANEL_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static double number(String field, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " \"" + text.strip() + "\" is not a number");
        }
    }

    private static void checkName(String field, String name) {
        if (name == null || name.isBlank() || name.contains(",") || name.contains("\n")) {
            throw new IllegalArgumentException(field + " \"" + name + "\" must be non-blank, without a comma");
        }
    }

    private static void checkNumber(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(field + " " + value + " must be a finite number, 0 or more");
        }
    }

    private static String decimal(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
