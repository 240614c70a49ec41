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

    private static volatile DeadlineWatch watch;

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
        watch().arm(deadline, MAX_MILLIS);
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
        boolean aborted = !deadline.disarm(); // the connection is gone, whatever the last read said
        return ended && !aborted;
    }

    private static DeadlineWatch watch() {
        DeadlineWatch w = watch;
        if (w == null) {
            synchronized (ResponseDrain.class) {
                w = watch;
                if (w == null) {
                    w = DeadlineWatch.system();
                    watch = w;
                }
            }
        }
        return w;
    }

    private static final class AbortOnExpiry extends DeadlineWatch.Deadline {
        private final Runnable abort;

        AbortOnExpiry(Runnable abort) {
            this.abort = abort;
        }

        @Override
        protected void expire() {
            abort.run();
        }
    }
}
