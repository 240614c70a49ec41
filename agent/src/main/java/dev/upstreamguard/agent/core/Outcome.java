package dev.upstreamguard.agent.core;

/** Why a guarded call stopped; the {@link #label()} is the value of {@code upstreamguard.outcome}. */
public enum Outcome {
    SUCCESS("success"),
    EXHAUSTED("exhausted"),
    NOT_RETRYABLE("not-retryable"),
    NON_IDEMPOTENT("non-idempotent"),
    NOT_REPLAYABLE("not-replayable"),
    BUDGET_EXHAUSTED("budget-exhausted"),
    RETRY_AFTER_TOO_LONG("retry-after-too-long"),
    /** Rejected without being sent (or retries ended) because the dependency's breaker is open. */
    CIRCUIT_OPEN("circuit-open"),
    /** Rejected without being sent because the dependency's concurrency limit is reached. */
    CONCURRENCY_LIMIT("concurrency-limit"),
    /** The application cancelled the call (or its own call timeout did): no further attempt. */
    CANCELLED("cancelled"),
    /** The calling thread was interrupted (during an attempt or the wait before a retry). */
    INTERRUPTED("interrupted"),
    /**
     * The inbound request's deadline (less {@code upstreamguard.deadline.reserve}) was spent before the
     * call could start: nothing was sent, the call failed at once as a timeout.
     */
    DEADLINE_EXCEEDED("deadline-exceeded");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
