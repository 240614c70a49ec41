package dev.upstreamguard;

import java.net.ConnectException;

/**
 * Thrown (or delivered, the way the client delivers its own connect failures) when Upstream Guard
 * rejects a call without touching the network: the dependency's circuit breaker is open, or its
 * concurrency limit is reached. A {@link ConnectException}, so code that already handles an unreachable
 * upstream handles it too. Its message names the dependency (when it has a configured name) and when
 * the next probe is due, never an address.
 *
 * <p>Lives on the bootstrap class path, so every class loader sees one class. Immutable.
 */
public class UpstreamUnavailableException extends ConnectException {
    private static final long serialVersionUID = 1L;

    /** {@link #reason()} when the circuit breaker is open (or half-open with its probe in flight). */
    public static final String CIRCUIT_OPEN = "circuit-open";
    /** {@link #reason()} when the concurrency limit is reached. */
    public static final String CONCURRENCY_LIMIT = "concurrency-limit";

    private final String dependency;
    private final String reason;
    private final long retryAfterMillis;

    /**
     * @param dependency       the dependency's logical name, or {@code host:port} when it has none
     * @param named            true when {@code dependency} is a configured name (only then is it in the message)
     * @param reason           {@link #CIRCUIT_OPEN} or {@link #CONCURRENCY_LIMIT}
     * @param retryAfterMillis time until the next probe is due (0: now)
     */
    public UpstreamUnavailableException(String dependency, boolean named, String reason, long retryAfterMillis) {
        super(message(dependency, named, reason, retryAfterMillis));
        this.dependency = dependency;
        this.reason = reason;
        this.retryAfterMillis = Math.max(0, retryAfterMillis);
    }

    private static String message(String dependency, boolean named, String reason, long retryAfterMillis) {
        String who = named ? "dependency " + dependency : "an unnamed dependency";
        if (CONCURRENCY_LIMIT.equals(reason)) {
            return "upstream-guard: " + who + " is at its concurrency limit; call rejected without being sent";
        }
        return "upstream-guard: circuit open for " + who + "; call rejected without being sent; next probe in "
                + Math.max(0, retryAfterMillis) + " ms";
    }

    /** The dependency's logical name, or {@code host:port} when it has none. */
    public String dependency() {
        return dependency;
    }

    /** {@link #CIRCUIT_OPEN} or {@link #CONCURRENCY_LIMIT}. */
    public String reason() {
        return reason;
    }

    /** Milliseconds until the next probe is due when the exception was made (0: now). */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    /** Whole seconds until the next probe, at least 1: the value of an HTTP {@code Retry-After}. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
}
