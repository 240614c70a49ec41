package dev.upstreamguard.agent.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and drops the rest of a response that will be retried, so its connection can go back to the
 * pool, within a bound of {@link #MAX_BYTES} and {@link #MAX_MILLIS}: a long or dribbling error page
 * must not hold the call past its {@code timeout.call}. Past either bound the caller drops the connection
 * instead. Thread-safe.
 */
public final class ResponseDrain {

    /** Bytes read at most from a retried response before its connection is dropped instead. */
    public static final int MAX_BYTES = 64 * 1024;
    /** Time spent at most reading a retried response before its connection is dropped instead. */
    public static final long MAX_MILLIS = 100;

    private ResponseDrain() {}

    /**
     * Reads {@code body} to its end within the bounds. When the time runs out while a read blocks,
     * {@code abort} runs on an agent thread: it must close the connection so that the read fails.
     *
     * @return true when the end was reached (the caller may close normally and the connection is reused),
     *         false when the caller must drop the connection
     */
    public static boolean drain(InputStream body, Runnable abort) {
        if (body == null) {
            return true;
        }
        AbortOnExpiry deadline = new AbortOnExpiry(abort);
        DeadlineWatch.shared().arm(deadline, MAX_MILLIS);
        long until = System.nanoTime() + MAX_MILLIS * 1_000_000L;
        boolean ended = false;
        try {
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while (total <= MAX_BYTES && System.nanoTime() - until < 0) {
                n = body.read(buffer);
                if (n < 0) {
                    ended = true;
                    break;
                }
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            ended = false;
        }
        if (deadline.disarm()) {
            return ended;
        }
        // the watch fired: the connection is gone whatever the last read said; and the abort must be
        // over before the caller goes on, or it could hit what the next attempt uses of the same client
        deadline.awaitAborted();
        return false;
    }

    private static final class AbortOnExpiry extends DeadlineWatch.Deadline {
        /** How long the drain waits at most for an abort to finish; closing a connection is quick. */
        private static final long ABORT_WAIT_NANOS = 2_000_000_000L;

        private final Runnable abort;
        private boolean aborted;

        AbortOnExpiry(Runnable abort) {
            this.abort = abort;
        }

        @Override
        protected void expire() {
            try {
                abort.run();
            } finally {
                synchronized (this) {
                    aborted = true;
                    notifyAll();
                }
            }
        }

        synchronized void awaitAborted() {
            long until = System.nanoTime() + ABORT_WAIT_NANOS;
            boolean interrupted = false;
            while (!aborted) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
