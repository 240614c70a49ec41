package dev.upstreamguard.samples.demo;

import dev.upstreamguard.testing.ReceivedSpan;
import java.util.List;

/**
 * Everything a demo run measured.
 *
 * @param unguarded per phase, the storefront without the agent and the filter
 * @param guarded per phase, the storefront with both
 * @param traceId the trace drawn at the end, or null when no failed request had one
 * @param trace that trace's spans as received over OTLP
 * @param jaegerLink the trace in Jaeger, or null without a Jaeger
 * @param rejectedTrace the trace of a request answered 503 by an open breaker (no upstream call), or
 *     empty when no request was
 */
public record DemoReport(
        List<PhaseResult> unguarded,
        List<PhaseResult> guarded,
        String traceId,
        List<ReceivedSpan> trace,
        String jaegerLink,
        List<ReceivedSpan> rejectedTrace) {

    /** The result of this side in this phase. */
    public PhaseResult of(boolean guardedSide, ChaosMode mode) {
        return (guardedSide ? guarded : unguarded)
                .stream().filter(result -> result.mode() == mode).findFirst().orElseThrow();
    }
}
