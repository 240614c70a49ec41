package dev.upstreamguard.benchmarks;

import java.lang.management.ManagementFactory;
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

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startCpuNanos = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long cpu = OS.getProcessCpuTime() - startCpuNanos;
        long ops = result.getMetadata().getAllOps();
        double perOp = ops == 0 ? Double.NaN : cpu / 1000.0 / ops;
        return List.of(new ScalarResult("cpu.time.norm", perOp, "µs/op", AggregationPolicy.AVG));
    }
}
