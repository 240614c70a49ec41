package dev.upstreamguard.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
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
    private long startSwitches;

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
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long cpu = OS.getProcessCpuTime() - startCpuNanos;
        long switches = voluntarySwitches() - startSwitches;
        long ops = result.getMetadata().getAllOps();
        double perOp = ops == 0 ? Double.NaN : cpu / 1000.0 / ops;
        double switchesPerOp = ops == 0 || switches < 0 ? Double.NaN : (double) switches / ops;
        return List.of(new ScalarResult("cpu.time.norm", perOp, "µs/op", AggregationPolicy.AVG),
                new ScalarResult("ctxsw.norm", switchesPerOp, "#/op", AggregationPolicy.AVG));
    }

    /**
     * Voluntary context switches of all live threads of this JVM (Linux {@code /proc}): a thread that
     * blocks and is woken again counts one. Unlike time, this count hardly depends on how busy the
     * machine is, so it shows hand-offs between threads (selector wake-ups, executor hops) that an
     * agent adds even when the latency figures drown in noise. -1 where {@code /proc} is missing.
     */
    static long voluntarySwitches() {
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return total;
    }
}
