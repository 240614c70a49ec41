package dev.upstreamguard.agent.core;

/**
 * One upstream as the agent sees it: its logical name (or {@code host:port}), its policy and its retry
 * budget. Thread-safe.
 */
public final class Dependency {
    private final String name;
    private final boolean named;
    private final GuardPolicy policy;
    private final RetryBudget budget;
    private final CircuitBreaker breaker;
    private final ConcurrencyLimit limit;
    /** The resolver's epoch when this dependency was last resolved (least-recently-used eviction). */
    private volatile long lastUsed;
    /** How the last failed attempt failed, and when (epoch milliseconds): for the health endpoint. */
    private volatile FailureKind lastFailure;

    private volatile long lastFailureAtMillis;

    public Dependency(String name, boolean named, GuardPolicy policy) {
        this(
                name,
                named,
                policy,
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): the jitter of the breaker's re-open durations */
    public Dependency(String name, boolean named, GuardPolicy policy, java.util.function.DoubleSupplier random) {
        this.name = name;
        this.named = named;
        this.policy = policy;
        this.budget = new RetryBudget(policy.budgetPercent(), policy.budgetMinPerSecond());
        // An address is not written to the log: an unnamed dependency is only described.
        this.breaker = policy.breakerEnabled()
                ? new CircuitBreaker(
                        named ? name : "an unnamed dependency (name it in upstreamguard.dependencies)",
                        policy,
                        random,
                        AgentLog::info)
                : null;
        this.limit = policy.concurrencyMax() > 0 ? new ConcurrencyLimit(policy.concurrencyMax()) : null;
    }

    /** Marks this dependency as used at {@code epoch}; writes only when that changes anything. */
    void touch(long epoch) {
        if (lastUsed != epoch) {
            lastUsed = epoch;
        }
    }

    long lastUsed() {
        return lastUsed;
    }

    /** Notes a failed attempt (written only on failure: the success path stays free of it). */
    void failed(FailureKind failure, long epochMillis) {
        lastFailureAtMillis = epochMillis;
        lastFailure = failure;
    }

    /** How the last failed attempt failed, or {@code null} when none has. */
    public FailureKind lastFailure() {
        return lastFailure;
    }

    /** When the last failed attempt ended, in epoch milliseconds (0 when none has). */
    public long lastFailureAtMillis() {
        return lastFailureAtMillis;
    }

    /** The circuit breaker, or {@code null} when {@code breaker.enabled=false}. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The concurrency limit, or {@code null} when there is none. */
    public ConcurrencyLimit limit() {
        return limit;
    }

    public String name() {
        return name;
    }

    /** True when the name comes from {@code upstreamguard.dependencies}, false for a plain {@code host:port}. */
    public boolean named() {
        return named;
    }

    public GuardPolicy policy() {
        return policy;
    }

    public RetryBudget budget() {
        return budget;
    }
}
