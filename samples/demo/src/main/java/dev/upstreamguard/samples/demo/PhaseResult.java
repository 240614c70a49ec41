package dev.upstreamguard.samples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one side (with or without Upstream Guard) measured in one phase.
 *
 * @param mode the phase
 * @param guarded whether the storefront ran with the agent and the filter
 * @param calls what each caller saw, in sending order
 * @param upstreamAttempts the attempts that reached the upstreams during the phase
 */
public record PhaseResult(ChaosMode mode, boolean guarded, List<CallerResult> calls, int upstreamAttempts) {

    public PhaseResult {
        calls = List.copyOf(calls);
    }

    /** Share of 2xx answers, 0 to 100. */
    public double successPercent() {
        return calls.isEmpty()
                ? 0
                : 100.0 * calls.stream().filter(CallerResult::success).count() / calls.size();
    }

    /** How many callers saw each outcome ({@code 200}, {@code 502}, {@code timeout}...), sorted. */
    public Map<String, Integer> outcomes() {
        Map<String, Integer> counts = new TreeMap<>();
        for (CallerResult call : calls) {
            counts.merge(call.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    /** The latency below which {@code percent} of the calls ended (nearest rank), in ms. */
    public long percentileMillis(double percent) {
        if (calls.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>();
        for (CallerResult call : calls) {
            sorted.add(call.millis());
        }
        sorted.sort(null);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** The failed calls, in sending order. */
    public List<CallerResult> failures() {
        return calls.stream().filter(call -> !call.success()).toList();
    }

    /** How many failed calls got a problem+json answer with a trace id. */
    public long failuresWithTraceId() {
        return failures().stream().filter(call -> call.traceId() != null).count();
    }
}
