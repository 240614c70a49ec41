package dev.upstreamguard.benchmarks;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.WarmupMode;

/**
 * The quick mode's per-call run: every selected {@link ClientCallBenchmark} method, one after the other,
 * in this JVM (JMH {@code forks(0)}), which {@link BenchLauncher} starts once per variant and round with
 * the variant's {@code -javaagent}. Six clients then cost one agent start-up (about 2.5 s for the
 * OpenTelemetry agent) instead of six. Every client is warmed up first ({@link WarmupMode#BULK}), then
 * each is measured alone; what the clients share is the JIT's work on the JDK's and the agent's common
 * code, alike for every variant, in the same (alphabetical) order.
 *
 * <p>Arguments: the benchmark pattern, warm-up iterations, measurement iterations, iteration time in
 * ms, the file for JMH's own output. Prints one line per benchmark: {@code METHOD.latency=} (µs/op),
 * {@code METHOD.cpu=}, {@code METHOD.alloc=}, {@code METHOD.ctxsw=}.
 */
public final class OneJvmBenchmarks {

    private OneJvmBenchmarks() {}

    public static void main(String[] args) throws RunnerException {
        ChainedOptionsBuilder options = options(
                        args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]))
                .forks(0)
                // every client warms up first, then each is measured: the agent's own start-up work and
                // the JIT's work on shared code are over before the first measurement, whatever the order
                .warmupMode(WarmupMode.BULK)
                .output(args[4]);
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult result : results) {
            String method = method(result);
            StringBuilder line = new StringBuilder();
            line.append(String.format(
                    Locale.ROOT,
                    "%s.latency=%s",
                    method,
                    result.getPrimaryResult().getScore()));
            for (Map.Entry<String, Result> secondary :
                    result.getSecondaryResults().entrySet()) {
                String figure = figure(secondary.getKey());
                if (figure != null) {
                    line.append(String.format(
                            Locale.ROOT,
                            " %s.%s=%s",
                            method,
                            figure,
                            secondary.getValue().getScore()));
                }
            }
            System.out.println(line);
        }
        System.exit(0); // the agents' shutdown hooks still run; JMH's and the clients' threads do not hold the exit
    }

    /** The JMH options both ways of running share: one thread, average time, the launcher's profilers. */
    static ChainedOptionsBuilder options(
            String benchmarks, int warmupIterations, int measurementIterations, int iterationMillis) {
        return new OptionsBuilder()
                .include(ClientCallBenchmark.class.getName().replace(".", "\\.") + "\\." + benchmarks)
                .threads(1)
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.milliseconds(iterationMillis))
                .measurementIterations(measurementIterations)
                .measurementTime(TimeValue.milliseconds(iterationMillis))
                .addProfiler(GCProfiler.class)
                .addProfiler(CpuTimeProfiler.class)
                .shouldFailOnError(true);
    }

    /** The benchmark method's name, e.g. {@code okHttp}. */
    static String method(RunResult result) {
        String benchmark = result.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** The launcher's name of a secondary result it reports ({@code alloc}, {@code cpu}, {@code ctxsw}), or null. */
    static String figure(String secondaryResult) {
        if (secondaryResult.endsWith("gc.alloc.rate.norm")) {
            return "alloc";
        } else if (secondaryResult.equals("cpu.time.norm")) {
            return "cpu";
        } else if (secondaryResult.equals("ctxsw.norm")) {
            return "ctxsw";
        }
        return null;
    }
}
