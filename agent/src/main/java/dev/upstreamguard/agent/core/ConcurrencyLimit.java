package dev.upstreamguard.agent.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code max} attempts in flight to one dependency. Thread-safe, lock-free.
 */
public final class ConcurrencyLimit {
    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    public ConcurrencyLimit(int max) {
        this.max = max;
    }

    /** Takes a slot if one is free; pair a true answer with exactly one {@link #release()}. */
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    /** Attempts in flight now. */
    public int inFlight() {
        return inFlight.get();
    }
}
