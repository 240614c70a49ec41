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
    STATUS("status");

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
