package dev.upstreamguard.filter;

/**
 * How an upstream call failed: the values of the {@code upstreamguard.failure} span attribute and of the
 * {@code failure} member of the problem response.
 */
public enum UpstreamFailureKind {
    /** Connection refused, connect timeout or no route to the upstream: the request was never sent. */
    CONNECT_FAILURE("connect-failure"),
    /** The upstream's host name could not be resolved. */
    DNS_FAILURE("dns-failure"),
    /** The connection was reset or closed before a complete response head arrived. */
    RESET("reset"),
    /** No response head arrived within the read timeout. Answered with the {@code timeout-status}. */
    TIMEOUT("timeout"),
    /**
     * The upstream answered with an error status. Only a source that saw the response (the agent) reports
     * this kind; an exception alone never proves it.
     */
    STATUS("status"),
    /**
     * An upstream failure whose cause could not be narrowed down, for example a name listed in {@code
     * upstream-exceptions} or Spring's {@code ResourceAccessException} without a known cause.
     */
    OTHER("other"),
    /**
     * The agent rejected the call without sending it: the dependency's circuit breaker is open. Answered with
     * the {@code unavailable-status} and a {@code Retry-After}.
     */
    CIRCUIT_OPEN("circuit-open"),
    /** The agent rejected the call without sending it: the dependency's concurrency limit is reached. */
    CONCURRENCY_LIMIT("concurrency-limit");

    private final String value;

    UpstreamFailureKind(String value) {
        this.value = value;
    }

    /** The stable, lower-case name used on spans, in logs and in response bodies, e.g. {@code connect-failure}. */
    public String value() {
        return value;
    }

    /** The kind with this {@link #value()}, or {@code null}. */
    public static UpstreamFailureKind fromValue(String value) {
        for (UpstreamFailureKind kind : values()) {
            if (kind.value.equals(value)) {
                return kind;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
