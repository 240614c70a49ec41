package dev.upstreamguard.agent.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches attempt deadlines on one daemon thread, for clients whose own per-request timeout costs a
 * hand-off to another thread on every call (the JDK {@code HttpClient} registers a timer with its selector
 * thread and wakes it for each request that has a timeout).
 *
 * <p>Arming a deadline is a queue offer and a compare-and-set; disarming it is one compare-and-set. Neither
 * wakes the watcher unless the new deadline is earlier than the watcher's next planned wake-up, or the
 * watcher is idle. The watcher wakes at the earliest deadline, and at least every {@link #SWEEP_NANOS}
 * while deadlines are queued, to let go of the disarmed ones; with nothing queued it sleeps until the
 * next arm. An expired deadline's action runs on the {@code expiries} executor, never on the watcher, so
 * a slow action cannot delay the other deadlines.
 *
 * <p>Thread-safe.
 */
public final class DeadlineWatch {

    /** How long a disarmed deadline may stay queued: bounds the queue of a busy client to its calls per sweep. */
    static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Clock clock;
    private final Executor expiries;
    private final boolean ownThread;
    private final ConcurrentLinkedQueue<Deadline> incoming = new ConcurrentLinkedQueue<>();
    /** The deadlines taken from {@link #incoming}; touched by the watcher thread only. */
    private final ArrayList<Deadline> watched = new ArrayList<>();

    private volatile Thread watcher;
    private volatile boolean idle = true;
    private volatile long wakeAtNanos;
    private volatile boolean closed;

    /**
     * @param expiries runs the expired deadlines' actions; an unbounded pool, so that one action that
     *                 blocks does not hold up the next
     */
    public DeadlineWatch(Clock clock, Executor expiries) {
        this(clock, expiries, true);
    }

    /** With {@code ownThread} false, nothing fires until the caller runs {@link #sweep} itself (tests). */
    DeadlineWatch(Clock clock, Executor expiries, boolean ownThread) {
        this.clock = clock;
        this.expiries = expiries;
        this.ownThread = ownThread;
    }

    /** The watch the agent's adapters share: one thread for the whole agent, started with the first deadline. */
    public static DeadlineWatch shared() {
        return Shared.WATCH;
    }

    private static final class Shared {
        static final DeadlineWatch WATCH = new DeadlineWatch(Clock.SYSTEM, RetryThreads.EXECUTOR);
    }

    /**
     * Arms {@code deadline} to expire {@code timeoutMillis} from now. Does nothing when it was disarmed
     * already (the attempt ended before it could be armed) or was armed before.
     */
    public void arm(Deadline deadline, long timeoutMillis) {
        if (!deadline.transition(Deadline.NEW, Deadline.ARMED)) {
            return;
        }
        long at = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        deadline.atNanos = at;
        incoming.offer(deadline);
        if (!ownThread) {
            return;
        }
        Thread thread = watcher;
        if (thread == null) {
            thread = startWatcher();
        }
        if (idle || at - wakeAtNanos < 0) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Moves an armed deadline to {@code timeoutMillis} from now, later or earlier, for a timeout that runs
     * again from each sign of progress (an idle timeout). A volatile write, and a wake-up of the watcher
     * only when the deadline moves before its next planned look. Does nothing once the deadline has been
     * disarmed or has fired, or before it is armed.
     */
    public void rearm(Deadline deadline, long timeoutMillis) {
        if (deadline.state != Deadline.ARMED) {
            return;
        }
        long at = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        deadline.atNanos = at;
        Thread thread = watcher;
        if (ownThread && thread != null && at - wakeAtNanos < 0) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops the watcher thread (tests); deadlines armed afterwards never expire. */
    void close() {
        closed = true;
        Thread thread = watcher;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** The watcher thread's state, or null before the first deadline (tests). */
    Thread.State watcherState() {
        Thread thread = watcher;
        return thread == null ? null : thread.getState();
    }

    /** The deadlines the watcher holds, disarmed ones not yet swept included (tests). */
    int watchedCount() {
        return watched.size();
    }

    private synchronized Thread startWatcher() {
        Thread thread = watcher;
        if (thread == null) {
            thread = RetryThreads.newThread(this::watch, "upstream-guard-deadlines");
            thread.start();
            watcher = thread;
        }
        return thread;
    }

    private void watch() {
        while (!closed) {
            try {
                long now = clock.nanoTime();
                long next = sweep(now);
                if (watched.isEmpty()) {
                    idle = true;
                    if (incoming.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    idle = false;
                } else {
                    wakeAtNanos = next;
                    if (incoming.isEmpty() && !closed) {
                        LockSupport.parkNanos(this, next - now);
                    }
                }
            } catch (Throwable t) {
                AgentLog.internalError("watching deadlines", t);
                LockSupport.parkNanos(this, SWEEP_NANOS); // never a busy loop, whatever went wrong
            }
        }
    }

    /**
     * One pass of the watcher: takes the newly armed deadlines, fires the expired ones, drops the
     * disarmed ones. Called by the watcher thread only (and by tests, with no thread started).
     *
     * @return when the watcher should look again: the earliest armed deadline, at most one sweep from now
     */
    long sweep(long now) {
        for (Deadline d; (d = incoming.poll()) != null; ) {
            watched.add(d);
        }
        long next = now + SWEEP_NANOS;
        int kept = 0;
        for (int i = 0; i < watched.size(); i++) {
            Deadline d = watched.get(i);
            if (d.state != Deadline.ARMED) {
                continue;
            }
            long at = d.atNanos;
            if (at - now <= 0) {
                if (d.transition(Deadline.ARMED, Deadline.FIRED)) {
                    fire(d);
                }
                continue;
            }
            if (at - next < 0) {
                next = at;
            }
            watched.set(kept++, d);
        }
        watched.subList(kept, watched.size()).clear();
        return next;
    }

    private void fire(Deadline deadline) {
        try {
            expiries.execute(deadline);
        } catch (RejectedExecutionException e) {
            deadline.run();
        }
    }

    /**
     * One deadline: extend it with what to do when it passes. Armed at most once, then either disarmed
     * by its owner or fired by the watch, never both.
     */
    public abstract static class Deadline implements Runnable {
        private static final int NEW = 0;
        private static final int ARMED = 1;
        private static final int DISARMED = 2;
        private static final int FIRED = 3;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Deadline.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile int state;
        /** Set by {@link #arm} before the deadline is queued, then by {@link #rearm} from any thread. */
        private volatile long atNanos;

        /** Called at most once, on an agent thread, when the deadline passed before {@link #disarm()}. */
        protected abstract void expire();

        /**
         * Stops the deadline, armed or not yet armed.
         *
         * @return false when it has already fired
         */
        public final boolean disarm() {
            while (true) {
                int s = state;
                if (s == FIRED) {
                    return false;
                }
                if (s == DISARMED || transition(s, DISARMED)) {
                    return true;
                }
            }
        }

        /** True once the deadline has passed and its action was started. */
        public final boolean fired() {
            return state == FIRED;
        }

        @Override
        public final void run() {
            try {
                expire();
            } catch (Throwable t) {
                AgentLog.internalError("acting on an expired deadline", t);
            }
        }

        private boolean transition(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }
    }
}
