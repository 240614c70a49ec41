package dev.upstreamguard.agent.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Describes every tracked dependency's health from the engine's memory (breaker state and window, last
 * failure), with no probing: the source of the filter's health endpoint. A dependency is {@code DOWN}
 * while its breaker is open, {@code DEGRADED} when half-open or when closed with a failure rate of at
 * least half the breaker's threshold, and {@code UP} otherwise (always, without a breaker). Thread-safe.
 */
public final class HealthSnapshot implements Supplier<List<Map<String, Object>>> {

    public static final String UP = "UP";
    public static final String DEGRADED = "DEGRADED";
    public static final String DOWN = "DOWN";

    private final DependencyResolver dependencies;
    private final Clock clock;

    public HealthSnapshot(DependencyResolver dependencies, Clock clock) {
        this.dependencies = dependencies;
        this.clock = clock;
    }

    @Override
    public List<Map<String, Object>> get() {
        List<Map<String, Object>> out = new ArrayList<>();
        long now = clock.nanoTime();
        dependencies.forEachDependency(d -> out.add(describe(d, now)));
        out.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
        return out;
    }

    /** One dependency's health as the bridge documents it. */
    static Map<String, Object> describe(Dependency dependency, long now) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", dependency.name());
        map.put("named", dependency.named());
        CircuitBreaker breaker = dependency.breaker();
        String status = UP;
        if (breaker != null) {
            CircuitBreaker.State state = breaker.state();
            long window = breaker.window(now);
            int attempts = CircuitBreaker.windowAttempts(window);
            int failed = CircuitBreaker.windowFailed(window);
            if (state == CircuitBreaker.State.OPEN) {
                status = DOWN;
            } else if (state == CircuitBreaker.State.HALF_OPEN
                    || (attempts > 0 && (long) failed * 200 >= (long) breaker.failureRateThreshold() * attempts)) {
                status = DEGRADED;
            }
            map.put("status", status);
            map.put("breaker", state.label());
            if (state == CircuitBreaker.State.OPEN) {
                map.put("nextProbeInSeconds", (breaker.millisUntilProbe(now) + 999) / 1000);
            }
            map.put("attempts", attempts);
            map.put("failed", failed);
            map.put("failureRate", attempts == 0 ? 0.0 : (double) failed / attempts);
        } else {
            map.put("status", status);
        }
        FailureKind last = dependency.lastFailure();
        if (last != null) {
            map.put("lastFailure", last.label());
            map.put("lastFailureAt", dependency.lastFailureAtMillis());
        }
        return map;
    }
}
