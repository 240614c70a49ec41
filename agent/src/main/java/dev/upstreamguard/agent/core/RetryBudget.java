package dev.upstreamguard.agent.core;

/**
 * Limits retries to one dependency so that they cannot become a retry storm: over a sliding window of
 * ten one-second slots, retries may add at most {@code percent}% of the requests seen plus
 * {@code minPerSecond} retries per second of the window.
 *
 * <p>Thread-safe. Callers pass the current time so that tests control it.
 */
public final class RetryBudget {

    static final int SLOTS = 10;
    private static final long SLOT_NANOS = 1_000_000_000L;

    private final int percent;
    private final int minPerSecond;
    private final long[] slotSecond = new long[SLOTS];
    private final int[] requests = new int[SLOTS];
    private final int[] retries = new int[SLOTS];

    public RetryBudget(int percent, int minPerSecond) {
        this.percent = percent;
        this.minPerSecond = minPerSecond;
        java.util.Arrays.fill(slotSecond, Long.MIN_VALUE);
    }

    /** Counts one new guarded call (its first attempt). */
    public synchronized void recordRequest(long nowNanos) {
        requests[slot(nowNanos)]++;
    }

    /** Takes one retry from the budget if it allows one; returns false when the budget is spent. */
    public synchronized boolean tryAcquireRetry(long nowNanos) {
        int current = slot(nowNanos);
        long seenRequests = 0;
        long seenRetries = 0;
        for (int i = 0; i < SLOTS; i++) {
            seenRequests += requests[i];
            seenRetries += retries[i];
        }
        // allowance = percent% of requests + minPerSecond per second of the window, in hundredths
        long allowanceHundredths = seenRequests * percent + (long) minPerSecond * SLOTS * 100;
        if ((seenRetries + 1) * 100 > allowanceHundredths) {
            return false;
        }
        retries[current]++;
        return true;
    }

    /** The index of the slot for this instant, clearing slots that have left the window. */
    private int slot(long nowNanos) {
        long second = Math.floorDiv(nowNanos, SLOT_NANOS);
        int index = (int) Math.floorMod(second, (long) SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            if (slotSecond[i] != Long.MIN_VALUE && second - slotSecond[i] >= SLOTS) {
                clear(i);
            }
        }
        if (slotSecond[index] != second) {
            clear(index);
            slotSecond[index] = second;
        }
        return index;
    }

    private void clear(int i) {
        slotSecond[i] = Long.MIN_VALUE;
        requests[i] = 0;
        retries[i] = 0;
    }
}
