package dev.upstreamguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's samples saved and read back, and its charts drawn from them: the run's own medians only. */
class BenchChartsTest {

    @TempDir
    Path dir;

    private static void add(BenchCharts run, String table, String row, Variant variant, double... values) {
        Stats stats = run.table(table)
                .computeIfAbsent(row, k -> new EnumMap<>(Variant.class))
                .computeIfAbsent(variant, k -> new Stats());
        for (double value : values) {
            stats.add(value);
        }
    }

    private static BenchCharts fixedRun() {
        BenchCharts run = new BenchCharts();
        run.note = "fixed run";
        add(run, "latency", "httpClientSend", Variant.NONE, 192.41, 186.10, 211.86);
        add(run, "latency", "httpClientSend", Variant.UPSTREAM_GUARD, 203.89, 200.84, 207.28);
        add(run, "latency", "httpClientSend", Variant.OPENTELEMETRY, 243.31, 197.06, 268.88);
        add(run, "cpu", "httpClientSend", Variant.NONE, 142.85);
        add(run, "cpu", "httpClientSend", Variant.UPSTREAM_GUARD, 159.54);
        add(run, "cpu", "httpClientSend", Variant.OPENTELEMETRY, 196.11);
        add(run, "alloc", "httpClientSend", Variant.NONE, 14938);
        add(run, "alloc", "httpClientSend", Variant.UPSTREAM_GUARD, 18291);
        add(run, "alloc", "httpClientSend", Variant.OPENTELEMETRY, 20070);
        add(run, "startup", "1 start-up to first line of main (ms)", Variant.NONE, 39.3, 37.1);
        add(run, "startup", "1 start-up to first line of main (ms)", Variant.UPSTREAM_GUARD, 918.3, 816.4);
        add(run, "startup", "1 start-up to first line of main (ms)", Variant.OPENTELEMETRY, 2301.8, 2153.1);
        add(run, "startup", "3 resident memory after start-up (MiB)", Variant.NONE, 66.6);
        add(run, "startup", "3 resident memory after start-up (MiB)", Variant.UPSTREAM_GUARD, 121.5);
        add(run, "startup", "3 resident memory after start-up (MiB)", Variant.OPENTELEMETRY, 216.1);
        add(run, "failure", "okHttp, refused port (ms)", Variant.NONE, 0.65);
        return run;
    }

    @Test
    void samplesAreSavedAndReadBackAsTheyWere() throws Exception {
        Path csv = dir.resolve("benchmark-results-samples.csv");
        fixedRun().writeSamples(csv);

        BenchCharts read = BenchCharts.readSamples(csv);

        assertThat(read.note).isEqualTo("fixed run");
        Map<Variant, Stats> send = read.table("latency").get("httpClientSend");
        assertThat(send.get(Variant.OPENTELEMETRY).values()).containsExactly(243.31, 197.06, 268.88);
        assertThat(send.get(Variant.NONE).median()).isEqualTo(192.41);
        // a row with a comma in its name
        assertThat(read.table("failure")
                        .get("okHttp, refused port (ms)")
                        .get(Variant.NONE)
                        .values())
                .containsExactly(0.65);
    }

    @Test
    void chartsShowTheOverheadOfTheMediansAndTheStartUpMedians() throws Exception {
        List<Path> files = fixedRun().draw(dir.resolve("benchmark-results.md"));

        assertThat(files)
                .extracting(f -> f.getFileName().toString())
                .containsExactly(
                        "benchmark-results-per-call.svg", "benchmark-results-per-call.png",
                        "benchmark-results-startup.svg", "benchmark-results-startup.png");
        String perCall = Files.readString(files.get(0), StandardCharsets.UTF_8);
        // 203.89 - 192.41 and 243.31 - 192.41; 18291 - 14938
        assertThat(perCall)
                .contains(
                        ">11.5<",
                        ">50.9<",
                        ">16.7<",
                        ">53.3<",
                        ">3353<",
                        ">5132<",
                        ">httpClientSend<",
                        ">Upstream Guard<",
                        ">OpenTelemetry agent<",
                        ">fixed run<");
        String startup = Files.readString(files.get(2), StandardCharsets.UTF_8);
        // medians of two runs each: (39.3 + 37.1) / 2 ...
        assertThat(startup)
                .contains(
                        ">38<",
                        ">867<",
                        ">2227<",
                        ">66.6<",
                        ">121.5<",
                        ">216.1<",
                        ">median of 2 runs<",
                        ">median of 1 run<",
                        ">no agent<")
                .doesNotContain("First call of each client after main"); // not measured in this run
    }

    @Test
    void aBadSampleLineIsNamed() throws Exception {
        Path csv = dir.resolve("bad-samples.csv");
        Files.writeString(csv, "# note: x\nlatency,SOME_AGENT,1.0,okHttp\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> BenchCharts.readSamples(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad-samples.csv line 2: \"latency,SOME_AGENT,1.0,okHttp\": ")
                .hasMessageContaining("(expected <table>,<VARIANT>,<value>,<row>)");
    }
}
