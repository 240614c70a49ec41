package dev.upstreamguard.agent.core;

import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * One dependency's circuit breaker. Closed, it counts attempts and failed attempts over a sliding
 * window of ten slots; once the window holds at least {@code min-attempts} and the failed share
 * reaches {@code failure-rate}, it opens. Open, it rejects every call until the open duration has
 * passed; then it is half-open and lets one probe call through at a time: {@code probes} successes in
 * a row close it, one failure re-opens it for twice as long as the last time, jittered to between
 * 80 % and 100 % of that, at most {@code open-duration.max}. A probe that never reports back (its
 * caller abandoned it) loses its turn after the call timeout plus one second, so the breaker can
 * never be stuck half-open.
 *
 * <p>Thread-safe. The closed state's admission is one volatile read; the rest synchronizes on the
 * breaker. Callers pass the current time so tests control it; the jitter comes from an injected source.
 */
public final class CircuitBreaker {

    /** The breaker's states; {@link #label()} is the value of {@code upstreamguard.breaker.state}. */
    public enum State {
        CLOSED("closed"),
        OPEN("open"),
        HALF_OPEN("half-open");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** {@link #tryAcquire}: the call is rejected. */
    public static final int REJECTED = 0;
    /** {@link #tryAcquire}: an ordinary attempt, closed breaker. */
    public static final int PERMITTED = 1;
    /** {@link #tryAcquire}: the half-open breaker's one probe. */
    public static final int PROBE = 2;

    static final int SLOTS = 10;

    private final String name;
    private final RetryOn on;
    private final long slotNanos;
    private final int minAttempts;
    private final int failureRate;
    private final long openNanos;
    private final long openMaxNanos;
    private final int probes;
    private final long probeLeaseNanos;
    private final DoubleSupplier random;
    private final Consumer<String> log;
    /** Told of each state change (the metrics count them); set once, after construction. */
    private volatile Consumer<State> transitionListener;

    private volatile State state = State.CLOSED;
    private final long[] slotId = new long[SLOTS];
    private final int[] attempts = new int[SLOTS];
    private final int[] failures = new int[SLOTS];
    private long openUntil;
    private int reopens;
    private boolean probeInFlight;
    private long probeLeaseUntil;
    private int probeSuccesses;
    private int transitions;

    /**
     * @param name   the dependency's name as the log may show it
     * @param random uniform in [0, 1), for the jitter of re-open durations
     * @param log    receives one line per state change
     */
    public CircuitBreaker(String name, GuardPolicy policy, DoubleSupplier random, Consumer<String> log) {
        this.name = name;
        this.on = policy.breakerOn();
        this.slotNanos = policy.breakerWindowMillis() * 1_000_000L / SLOTS;
        this.minAttempts = policy.breakerMinAttempts();
        this.failureRate = policy.breakerFailureRate();
        this.openNanos = policy.breakerOpenMillis() * 1_000_000L;
        this.openMaxNanos = policy.breakerOpenMaxMillis() * 1_000_000L;
        this.probes = policy.breakerProbes();
        this.probeLeaseNanos = (policy.callTimeoutMillis() + 1_000L) * 1_000_000L;
        this.random = random;
        this.log = log;
        java.util.Arrays.fill(slotId, Long.MIN_VALUE);
    }

    /** The state now (an open breaker whose time is up still reads open until a call asks to pass). */
    public State state() {
        return state;
    }

    /** True when {@code failure} (or, when it is {@link FailureKind#STATUS}, {@code status}) counts against the breaker. */
    public boolean counts(FailureKind failure, int status) {
        if (failure == null) {
            return false;
        }
        return failure == FailureKind.STATUS ? on.status(status) : on.kind(failure);
    }

    /** Asks to let one attempt through: {@link #REJECTED}, {@link #PERMITTED} or {@link #PROBE}. */
    public int tryAcquire(long now) {
        if (state == State.CLOSED) {
            return PERMITTED;
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                return PERMITTED;
            }
            if (state == State.OPEN) {
                if (now - openUntil < 0) {
                    return REJECTED;
                }
                probeInFlight = false;
                probeSuccesses = 0;
                change(State.HALF_OPEN, "open duration over; letting one probe call through at a time");
            }
            if (probeInFlight && now - probeLeaseUntil < 0) {
                return REJECTED;
            }
            probeInFlight = true;
            probeLeaseUntil = now + probeLeaseNanos;
            return PROBE;
        }
    }

    /**
     * Records how an attempt let through by {@link #tryAcquire} ended. An ordinary attempt that ends
     * after the breaker left the closed state is not counted; nor is a probe that lost its turn.
     */
    public void record(int permit, boolean failed, long now) {
        if (permit == REJECTED) {
            return;
        }
        synchronized (this) {
            if (permit == PROBE) {
                if (state != State.HALF_OPEN || !probeInFlight) {
                    return;
                }
                probeInFlight = false;
                if (failed) {
                    reopens++;
                    long open = reopenNanos(reopens, random.getAsDouble());
                    openUntil = now + open;
                    change(State.OPEN, "a probe failed; next probe in " + open / 1_000_000L + " ms");
                } else if (++probeSuccesses >= probes) {
                    clearWindow();
                    reopens = 0;
                    change(State.CLOSED, probeSuccesses + " probe(s) in a row succeeded");
                }
                return;
            }
            if (state != State.CLOSED) {
                return;
            }
            long id = Math.floorDiv(now, slotNanos);
            int index = (int) Math.floorMod(id, (long) SLOTS);
            if (slotId[index] != id) {
                slotId[index] = id;
                attempts[index] = 0;
                failures[index] = 0;
            }
            attempts[index]++;
            if (!failed) {
                return; // a success never opens the breaker: no need to sum the window
            }
            failures[index]++;
            int seen = 0;
            int failed2 = 0;
            for (int i = 0; i < SLOTS; i++) {
                if (slotId[i] != Long.MIN_VALUE && id - slotId[i] < SLOTS) {
                    seen += attempts[i];
                    failed2 += failures[i];
                }
            }
            if (seen >= minAttempts && (long) failed2 * 100 >= (long) failureRate * seen) {
                reopens = 0;
                openUntil = now + openNanos;
                change(
                        State.OPEN,
                        "failure rate " + (failed2 * 100L / seen) + "% of " + seen
                                + " attempts in the window; next probe in " + openNanos / 1_000_000L + " ms");
            }
        }
    }

    /**
     * Gives back a permit whose attempt says nothing of the dependency (the application cancelled it, its
     * thread was interrupted, the agent failed): a probe's turn goes to the next call, nothing is counted.
     */
    public void giveBack(int permit) {
        if (permit != PROBE) {
            return;
        }
        synchronized (this) {
            if (state == State.HALF_OPEN) {
                probeInFlight = false;
            }
        }
    }

    /** Milliseconds until the next probe may go through: 0 when closed or half-open. */
    public long millisUntilProbe(long now) {
        if (state != State.OPEN) {
            return 0;
        }
        synchronized (this) {
            return state == State.OPEN ? Math.max(0, (openUntil - now) / 1_000_000L) : 0;
        }
    }

    /** Tells {@code listener} of every later state change, with the state entered; it must not throw. */
    public void onTransition(Consumer<State> listener) {
        this.transitionListener = listener;
    }

    /**
     * The attempts and failed attempts in the window now, packed as {@code attempts << 32 | failed}
     * (read with {@link #windowAttempts} and {@link #windowFailed}); only the closed state counts, so an
     * open or half-open breaker reads the window as it was when it left the closed state.
     */
    public synchronized long window(long now) {
        long id = Math.floorDiv(now, slotNanos);
        int seen = 0;
        int failed = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (slotId[i] != Long.MIN_VALUE && id - slotId[i] < SLOTS) {
                seen += attempts[i];
                failed += failures[i];
            }
        }
        return (long) seen << 32 | (failed & 0xffffffffL);
    }

    public static int windowAttempts(long window) {
        return (int) (window >>> 32);
    }

    public static int windowFailed(long window) {
        return (int) window;
    }

    /** The failure rate in percent that opens this breaker. */
    public int failureRateThreshold() {
        return failureRate;
    }

    /** How many state changes this breaker has made. */
    public synchronized int transitions() {
        return transitions;
    }

    /**
     * The open duration after the {@code n}-th failed probe in a row: {@code open-duration * 2^n} capped at
     * {@code open-duration.max}, less up to 20 % of it by {@code random} in [0, 1).
     */
    long reopenNanos(int n, double random) {
        long nominal = openNanos;
        for (int i = 0; i < n && nominal < openMaxNanos; i++) {
            nominal = Math.min(openMaxNanos, nominal * 2);
        }
        return nominal - (long) (nominal * 0.2 * random);
    }

    private void clearWindow() {
        java.util.Arrays.fill(slotId, Long.MIN_VALUE);
        java.util.Arrays.fill(attempts, 0);
        java.util.Arrays.fill(failures, 0);
    }

    private void change(State to, String why) {
        State from = state;
        state = to;
        transitions++;
        Consumer<State> listener = transitionListener;
        if (listener != null) {
            listener.accept(to);
        }
        log.accept("circuit breaker of " + name + ": " + from.label() + " -> " + to.label() + " (" + why + ")");
    }
}
