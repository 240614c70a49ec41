package dev.upstreamguard.samples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the demo runs.
 *
 * @param agentJar the agent's shaded jar
 * @param requestsPerPhase requests sent to each storefront in each phase
 * @param ratePerSecond requests per second to each storefront
 * @param callerTimeout when a caller gives up on the storefront
 * @param colour whether to use ANSI colours
 * @param jaeger the OTLP/HTTP base URL of a Jaeger to send traces to as well, or null
 */
public record DemoSettings(
        Path agentJar, int requestsPerPhase, int ratePerSecond, Duration callerTimeout, boolean colour, String jaeger) {

    /** The phases, in order. */
    public static final List<ChaosMode> PHASES =
            List.of(ChaosMode.HEALTHY, ChaosMode.FLAKY, ChaosMode.SLOW, ChaosMode.DOWN);

    /** What the guarded storefront's agent is told, beyond the dependency names and the exporter. */
    public static final List<String> AGENT_SETTINGS =
            List.of("upstreamguard.timeout.read=1s", "upstreamguard.timeout.call=2s");

    /** The normal run: 48 requests a phase at 12 a second. */
    public static DemoSettings full(Path agentJar, boolean colour, String jaeger) {
        return new DemoSettings(agentJar, 48, 12, Duration.ofSeconds(4), colour, jaeger);
    }

    /** A short run for tests: 16 requests a phase at 16 a second. */
    public static DemoSettings quick(Path agentJar, boolean colour, String jaeger) {
        return new DemoSettings(agentJar, 16, 16, Duration.ofSeconds(4), colour, jaeger);
    }
}
