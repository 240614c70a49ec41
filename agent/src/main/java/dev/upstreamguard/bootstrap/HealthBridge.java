package dev.upstreamguard.bootstrap;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's in-memory view of its dependencies' health, for the filter's health endpoint. JDK types
 * only: the filter reaches it reflectively from any class loader.
 *
 * <p>Each dependency is one map with the keys {@code name} (String), {@code named} (Boolean: a
 * configured logical name, not a {@code host:port}), {@code status} ({@code UP}, {@code DEGRADED},
 * {@code DOWN}), {@code breaker} ({@code closed}, {@code open}, {@code half-open}; absent without a
 * breaker), {@code nextProbeInSeconds} (Long, when open), {@code attempts}, {@code failed} (Integer,
 * the breaker's window), {@code failureRate} (Double, 0 to 1), {@code lastFailure} (String) and
 * {@code lastFailureAt} (Long, epoch milliseconds) when an attempt has failed.
 *
 * <p>Thread-safe: the source is published once through a volatile field.
 */
public final class HealthBridge {

    private static volatile Supplier<List<Map<String, Object>>> source;

    private HealthBridge() {}

    /** Called once by the agent at start-up. */
    public static void install(Supplier<List<Map<String, Object>>> health) {
        source = health;
    }

    /** The dependencies' health now, or {@code null} when no agent (or a disabled one) runs. */
    public static List<Map<String, Object>> dependencies() {
        Supplier<List<Map<String, Object>>> s = source;
        return s == null ? null : s.get();
    }
}
