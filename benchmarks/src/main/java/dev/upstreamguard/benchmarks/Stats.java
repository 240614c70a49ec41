package dev.upstreamguard.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The samples of one figure for one variant: median and min–max. */
final class Stats {

    private final List<Double> samples = new ArrayList<>();

    void add(double value) {
        samples.add(value);
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    /** The samples, in the order they were added. */
    List<Double> values() {
        return List.copyOf(samples);
    }

    int count() {
        return samples.size();
    }

    double median() {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code median (min–max)} with the given number of decimals. */
    String format(int decimals) {
        if (isEmpty()) {
            return "n/a";
        }
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " (" + f + "–" + f + ")", median(), min(), max());
    }
}
