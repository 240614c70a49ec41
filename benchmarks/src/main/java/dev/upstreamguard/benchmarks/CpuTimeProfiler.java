package dev.upstreamguard.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the whole forked JVM per operation ({@code cpu.time.norm}, in µs): every thread counts, so
 * work an agent moves to background threads (span export, the HTTP client's selector) is included.
 * On a busy shared machine it varies less than the wall-clock latency, which also measures waiting for
 * a core: the launcher reports both.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long startCpuNanos;
    private Map<String, Long> startSwitches = Map.of();

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startSwitches = voluntarySwitches();
        startCpuNanos = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long cpu = OS.getProcessCpuTime() - startCpuNanos;
        long switches = switchesSince(startSwitches, voluntarySwitches());
        long ops = result.getMetadata().getAllOps();
        double perOp = ops == 0 ? Double.NaN : cpu / 1000.0 / ops;
        double switchesPerOp = ops == 0 || switches < 0 ? Double.NaN : (double) switches / ops;
        return List.of(
                new ScalarResult("cpu.time.norm", perOp, "µs/op", AggregationPolicy.AVG),
                new ScalarResult("ctxsw.norm", switchesPerOp, "#/op", AggregationPolicy.AVG));
    }

    /**
     * Voluntary context switches of each live thread of this JVM (Linux {@code /proc}), by thread id: a
     * thread that blocks and is woken again counts one. Unlike time, this count hardly depends on how busy
     * the machine is, so it shows hand-offs between threads (selector wake-ups, executor hops) that an
     * agent adds even when the latency figures drown in noise. Empty where {@code /proc} is missing.
     */
    static Map<String, Long> voluntarySwitches() {
        Map<String, Long> byThread = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            byThread.put(
                                    task.getFileName().toString(),
                                    Long.parseLong(line.substring(line.indexOf(':') + 1)
                                            .trim()));
                        }
                    }
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byThread;
    }

    /**
     * The switches between two readings: per thread, so that a thread that ends meanwhile (a client's
     * selector thread whose client was collected) takes out only what it did in between, not its whole
     * history; -1 without {@code /proc}.
     */
    static long switchesSince(Map<String, Long> before, Map<String, Long> after) {
        if (after.isEmpty()) {
            return -1;
        }
        long total = 0;
        for (Map.Entry<String, Long> thread : after.entrySet()) {
            total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }
}
