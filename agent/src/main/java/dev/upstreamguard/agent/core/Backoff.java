package dev.upstreamguard.agent.core;

/** Exponential backoff with full jitter, as pure functions. */
public final class Backoff {

    private Backoff() {}

    /**
     * The wait before retry {@code retry} (1 for the first retry): a value in
     * {@code [0, min(max, initial * 2^(retry-1))]}, chosen by {@code random} in {@code [0, 1)}.
     */
    public static long delayMillis(long initialMillis, long maxMillis, int retry, double random) {
        long ceiling = ceilingMillis(initialMillis, maxMillis, retry);
        // Full jitter over the closed interval: random in [0,1) scaled to [0, ceiling].
        return (long) Math.floor(random * (ceiling + 1));
    }

    /** {@code min(max, initial * 2^(retry-1))} without overflow. */
    public static long ceilingMillis(long initialMillis, long maxMillis, int retry) {
        long ceiling = initialMillis;
        for (int i = 1; i < retry && ceiling < maxMillis; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, maxMillis);
    }
}
