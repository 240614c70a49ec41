package dev.upstreamguard.agent.core;

/** The engine's source of time, injected so tests can control it. */
public interface Clock {
    /** Monotonic time for deadlines and budgets. */
    long nanoTime();

    /** Wall-clock time, for {@code Retry-After} dates. */
    long epochMillis();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }
    };
}
