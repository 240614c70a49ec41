package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.DeadlineWatch;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One attempt's wait for its response head, bounded by the agent's {@link DeadlineWatch} rather than by
 * the request's own timeout: a request timeout makes the JDK client register a timer with its selector
 * thread and wake that thread on every request, a hand-off that costs more than the attempt's span.
 *
 * <p>The deadline is disarmed when the response head arrives (the {@link AttemptBodyHandler} is asked
 * for a subscriber), as the JDK's own timeout is. When it expires first, the attempt's future is cancelled,
 * which aborts the exchange and closes its connection (Java 16 and newer), and the attempt fails with
 * the {@link HttpTimeoutException} the JDK throws for its own timeout.
 */
final class ResponseDeadline extends DeadlineWatch.Deadline {

    /** The deadline of the synchronous attempt this thread is starting, until the JDK hands out its future. */
    private static final ThreadLocal<ResponseDeadline> STARTING = new ThreadLocal<>();

    private final DeadlineWatch watch;
    private final long timeoutMillis;
    private volatile CompletableFuture<?> future;
    private volatile boolean started;

    ResponseDeadline(DeadlineWatch watch, long timeoutMillis) {
        this.watch = watch;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Sync attempts: the JDK's {@code send} makes its future inside; until the advice on it calls
     * {@link #handOver}, this thread's deadline waits for it. Pair with {@link #endOnThisThread()} in a
     * finally.
     */
    void expectFutureOnThisThread() {
        STARTING.set(this);
    }

    /** Ends a sync attempt on this thread: the deadline no longer applies. */
    void endOnThisThread() {
        STARTING.remove();
        stop();
    }

    /** Called from the advice with each future the JDK client's inner {@code sendAsync} returns. */
    static void handOver(Object jdkFuture) {
        ResponseDeadline deadline = STARTING.get();
        if (deadline != null && jdkFuture instanceof CompletableFuture) {
            STARTING.remove();
            deadline.start((CompletableFuture<?>) jdkFuture);
        }
    }

    /** False until the attempt's future was handed over and the deadline armed on it. */
    boolean started() {
        return started;
    }

    /** Arms the deadline on the attempt's future; an attempt that has already ended keeps it disarmed. */
    void start(CompletableFuture<?> jdkFuture) {
        future = jdkFuture;
        started = true;
        watch.arm(this, timeoutMillis);
    }

    /** The head arrived or the attempt ended: the deadline no longer applies. */
    void stop() {
        if (disarm()) {
            future = null; // a disarmed deadline may stay queued for a moment: hold no response meanwhile
        }
    }

    /** The exception the JDK throws when a request's own timeout expires. */
    static HttpTimeoutException timeout() {
        return new HttpTimeoutException("request timed out");
    }

    @Override
    protected void expire() {
        CompletableFuture<?> f = future;
        if (f != null) {
            f.cancel(true);
        }
    }

    /**
     * The future the engine sees for an async attempt: the JDK's, with an expired deadline reported as
     * the JDK reports its own timeout. Cancelling it cancels the JDK's.
     */
    static final class AttemptFuture extends CompletableFuture<HttpResponse<Object>>
            implements BiConsumer<HttpResponse<Object>, Throwable> {
        private final CompletableFuture<HttpResponse<Object>> jdkFuture;
        private final ResponseDeadline deadline;

        AttemptFuture(CompletableFuture<HttpResponse<Object>> jdkFuture, ResponseDeadline deadline) {
            this.jdkFuture = jdkFuture;
            this.deadline = deadline;
        }

        /** Completes this future from the JDK's. */
        @Override
        public void accept(HttpResponse<Object> response, Throwable error) {
            deadline.stop();
            if (error == null) {
                complete(response);
            } else {
                completeExceptionally(deadline.fired() ? timeout() : error);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            jdkFuture.cancel(mayInterruptIfRunning);
            return cancelled;
        }
    }
}
