package dev.upstreamguard.agent.instrumentation;

import dev.upstreamguard.agent.core.CallGuard;

/** What the installer hands each {@link InstrumentationModule} as it starts. Immutable. */
public final class InstrumentationContext {

    private final CallGuard guard;
    private final long maxConnectTimeoutMillis;

    /**
     * @param maxConnectTimeoutMillis the largest connect bound of any dependency: a client-wide connect
     *                                timeout (a client serves every dependency) is set to this
     */
    public InstrumentationContext(CallGuard guard, long maxConnectTimeoutMillis) {
        this.guard = guard;
        this.maxConnectTimeoutMillis = maxConnectTimeoutMillis;
    }

    /** The engine every guarded call runs through. */
    public CallGuard guard() {
        return guard;
    }

    public long maxConnectTimeoutMillis() {
        return maxConnectTimeoutMillis;
    }
}
