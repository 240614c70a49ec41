package dev.upstreamguard.benchmarks;

import dev.upstreamguard.charts.BenchmarkCharts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;

/**
 * A run's samples, saved so that its charts can be drawn again without running it
 * ({@code --charts-from}), and the charts themselves: per-call overhead (latency, CPU time,
 * allocation) and start-up and memory, from the medians of the run, as SVG and PNG.
 *
 * <p>The samples file: {@code # note: ...} (the line under each chart's title), then one sample a
 * line, {@code <table>,<VARIANT>,<value>,<row>}: {@code table} one of {@link #TABLES}, {@code
 * VARIANT} a {@link Variant} name, {@code row} the rest of the line (a client, or a start-up or
 * failure-path figure).
 */
final class BenchCharts {

    static final List<String> TABLES = List.of("latency", "cpu", "alloc", "ctxsw", "startup", "failure");
    private static final String NOTE = "# note: ";
    private static final String STARTUP_MAIN = "1 start-up to first line of main (ms)";
    private static final String STARTUP_FIRST_CALLS = "2 first call of each client after main (ms)";
    private static final String STARTUP_RSS = "3 resident memory after start-up (MiB)";

    /** table name -> row -> variant -> samples, as the launcher keeps them. */
    final Map<String, Map<String, Map<Variant, Stats>>> tables = new LinkedHashMap<>();

    String note = "";

    BenchCharts() {
        for (String table : TABLES) {
            tables.put(table, new TreeMap<>());
        }
    }

    Map<String, Map<Variant, Stats>> table(String name) {
        Map<String, Map<Variant, Stats>> table = tables.get(name);
        if (table == null) {
            throw new IllegalArgumentException("unknown table " + name + " (expected one of " + TABLES + ")");
        }
        return table;
    }

    /** Writes every sample of every table, with the note. */
    void writeSamples(Path csv) throws IOException {
        StringBuilder text =
                new StringBuilder(NOTE).append(note.replace('\n', ' ')).append('\n');
        text.append("# table,variant,value,row\n");
        for (Map.Entry<String, Map<String, Map<Variant, Stats>>> table : tables.entrySet()) {
            for (Map.Entry<String, Map<Variant, Stats>> row : table.getValue().entrySet()) {
                for (Map.Entry<Variant, Stats> variant : row.getValue().entrySet()) {
                    for (double value : variant.getValue().values()) {
                        text.append(table.getKey())
                                .append(',')
                                .append(variant.getKey().name())
                                .append(',')
                                .append(value)
                                .append(',')
                                .append(row.getKey())
                                .append('\n');
                    }
                }
            }
        }
        Files.writeString(csv, text, StandardCharsets.UTF_8);
    }

    /** Reads a file {@link #writeSamples} wrote. */
    static BenchCharts readSamples(Path csv) throws IOException {
        BenchCharts run = new BenchCharts();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(NOTE)) {
                run.note = line.substring(NOTE.length());
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", 4);
            try {
                if (f.length != 4) {
                    throw new IllegalArgumentException("4 fields expected");
                }
                run.table(f[0])
                        .computeIfAbsent(f[3], k -> new EnumMap<>(Variant.class))
                        .computeIfAbsent(Variant.valueOf(f[1]), k -> new Stats())
                        .add(Double.parseDouble(f[2]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        csv + " line " + (i + 1) + ": \"" + line + "\": " + e.getMessage()
                                + " (expected <table>,<VARIANT>,<value>,<row>)",
                        e);
            }
        }
        return run;
    }

    /**
     * Draws {@code <base>-per-call} and {@code <base>-startup} (.svg and .png) from the tables it has;
     * returns the files written.
     */
    List<Path> draw(Path base) throws IOException {
        List<Path> written = new ArrayList<>();
        if (!tables.get("latency").isEmpty()) {
            written.addAll(BenchmarkCharts.perCallOverhead(
                            note,
                            List.of(
                                    figure(
                                            "Latency per call: overhead over no agent",
                                            "µs",
                                            tables.get("latency"),
                                            "%.1f"),
                                    figure(
                                            "CPU time per call, all threads: overhead over no agent",
                                            "µs",
                                            tables.get("cpu"),
                                            "%.1f"),
                                    figure(
                                            "Allocation per call: extra bytes over no agent",
                                            "bytes",
                                            tables.get("alloc"),
                                            "%.0f")))
                    .write(sibling(base, "-per-call"), 1000, 1050));
        }
        Map<String, Map<Variant, Stats>> startup = tables.get("startup");
        if (!startup.isEmpty()) {
            List<BenchmarkCharts.Figure> figures = new ArrayList<>();
            addStartup(figures, "Start-up to the first line of main", "ms", startup.get(STARTUP_MAIN), "%.0f");
            addStartup(figures, "First call of each client after main", "ms", startup.get(STARTUP_FIRST_CALLS), "%.0f");
            addStartup(figures, "Resident memory after start-up", "MiB", startup.get(STARTUP_RSS), "%.1f");
            written.addAll(BenchmarkCharts.startup(note, figures).write(sibling(base, "-startup"), 1000, 480));
        }
        return written;
    }

    private static BenchmarkCharts.Figure figure(
            String title, String axis, Map<String, Map<Variant, Stats>> rows, String format) {
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        for (Map.Entry<String, Map<Variant, Stats>> row : rows.entrySet()) {
            medians.put(row.getKey(), medians(row.getValue()));
        }
        return new BenchmarkCharts.Figure(title, axis, label(format), medians);
    }

    private static void addStartup(
            List<BenchmarkCharts.Figure> figures, String title, String axis, Map<Variant, Stats> row, String format) {
        if (row == null) {
            return;
        }
        int runs = row.values().stream().mapToInt(Stats::count).max().orElse(0);
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        medians.put("median of " + runs + " run" + (runs == 1 ? "" : "s"), medians(row));
        figures.add(new BenchmarkCharts.Figure(title, axis, label(format), medians));
    }

    private static Map<String, Double> medians(Map<Variant, Stats> row) {
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<Variant, Stats> variant : row.entrySet()) {
            if (!variant.getValue().isEmpty()) {
                medians.put(variant.getKey().label, variant.getValue().median());
            }
        }
        return medians;
    }

    private static DoubleFunction<String> label(String format) {
        return value -> String.format(Locale.ROOT, format, value);
    }

    /** {@code target/benchmark-results.md} and {@code -per-call} give {@code target/benchmark-results-per-call}. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
    }
}
