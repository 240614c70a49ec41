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

    public Dependency(String name, boolean named, GuardPolicy policy) {
        this.name = name;
        this.named = named;
        this.policy = policy;
        this.budget = new RetryBudget(policy.budgetPercent(), policy.budgetMinPerSecond());
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
