package dev.upstreamguard.agent.core;

/** How one attempt failed; the {@link #label()} is the value of {@code upstreamguard.failure}. */
public enum FailureKind {
    /** Connection refused, connect timeout, no route: the request was never sent. */
    CONNECT_FAILURE("connect-failure"),
    /** The host name could not be resolved: the request was never sent. */
    DNS_FAILURE("dns-failure"),
    /** The connection was reset or closed before a complete response head. */
    RESET("reset"),
    /** No response head within the read timeout. */
    TIMEOUT("timeout"),
    /** A response came, with a failing status. */
    STATUS("status"),
    /** Not an attempt: the call was rejected without being sent, its dependency's breaker open. */
    CIRCUIT_OPEN("circuit-open"),
    /** Not an attempt: the call was rejected without being sent, its dependency's concurrency limit reached. */
    CONCURRENCY_LIMIT("concurrency-limit");

    private final String label;

    FailureKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** True when the failure proves the request never reached the server, so any method may be re-sent. */
    public boolean neverSent() {
        return this == CONNECT_FAILURE || this == DNS_FAILURE;
    }

    /** True for the kinds a physical attempt can fail with (the words of {@code retry.on}, minus {@code status}). */
    public boolean ofAttempt() {
        return this != STATUS && this != CIRCUIT_OPEN && this != CONCURRENCY_LIMIT;
    }

    /** The kind with this label, or {@code null}. */
    public static FailureKind fromLabel(String label) {
        for (FailureKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        return null;
    }
}
