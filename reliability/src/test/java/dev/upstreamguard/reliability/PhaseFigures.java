package dev.upstreamguard.reliability;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The figures of one phase, as they go into the report. */
final class PhaseFigures {
    final String phase;
    final int requests;
    final double successRate;
    final Map<String, Long> statuses;
    final double p50Millis;
    final double p99Millis;
    final double maxMillis;
    final String attempts;
    final String amplification;
    final Map<String, Long> appStats;

    PhaseFigures(String phase, List<Load.Call> calls, Integer upstreamAttempts, Map<String, Long> appStats) {
        this.phase = phase;
        this.requests = calls.size();
        this.successRate = calls.isEmpty()
                ? 0
                : 100.0 * calls.stream().filter(c -> c.status() == 200).count() / calls.size();
        this.statuses = calls.stream()
                .collect(Collectors.groupingBy(
                        c -> c.status() == 0 ? "none" : Integer.toString(c.status()),
                        TreeMap::new,
                        Collectors.counting()));
        long[] micros = calls.stream().mapToLong(Load.Call::micros).sorted().toArray();
        this.p50Millis = percentile(micros, 0.50);
        this.p99Millis = percentile(micros, 0.99);
        this.maxMillis = micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0;
        this.attempts = upstreamAttempts == null ? "n/a" : Integer.toString(upstreamAttempts);
        this.amplification = upstreamAttempts == null || calls.isEmpty()
                ? "n/a"
                : String.format("%.2f", (double) upstreamAttempts / calls.size());
        this.appStats = appStats;
    }

    long count(int status) {
        return statuses.getOrDefault(Integer.toString(status), 0L);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    static String header() {
        return "| phase | requests | success | statuses | p50 ms | p99 ms | max ms | upstream attempts | attempts / request | app threads | app fds | app heap MiB |\n"
                + "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
    }

    String row() {
        String statusText = statuses.entrySet().stream()
                .map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(" "));
        return String.format(
                "| %s | %d | %.1f%% | %s | %.0f | %.0f | %.0f | %s | %s | %d | %d | %d |",
                phase,
                requests,
                successRate,
                statusText,
                p50Millis,
                p99Millis,
                maxMillis,
                attempts,
                amplification,
                appStats.getOrDefault("threads", -1L),
                appStats.getOrDefault("fds", -1L),
                appStats.getOrDefault("heap", -1L) / (1024 * 1024));
    }
}
