package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.AgentThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The future a guarded {@code sendAsync} hands the application, shaped like the JDK's own: the JDK returns
 * a dependent stage completed on the default async executor, so the application's callbacks never run on
 * the thread that finished the exchange, and a failure reaches {@code whenComplete}, {@code handle} and
 * {@code exceptionally} wrapped in a {@link CompletionException}. Here the engine's future may finish on an
 * agent thread (a retry, an expired deadline): this future is then completed on the same executor the JDK
 * uses. When it finishes on the JDK's own thread (the usual first attempt), that thread already is the
 * JDK's hop, so it completes there: a second hop would cost a thread hand-off per call, and on a small
 * machine, where that executor starts a thread per task, a new thread. Cancelling it cancels the call.
 */
final class ApplicationFuture<T> extends CompletableFuture<T> implements BiConsumer<T, Throwable> {

    /** What the JDK's client completes its {@code sendAsync} futures on. */
    private static final Executor ASYNC_POOL = new CompletableFuture<Void>().defaultExecutor();

    private final CompletableFuture<T> call;

    private ApplicationFuture(CompletableFuture<T> call) {
        this.call = call;
    }

    static <T> CompletableFuture<T> of(CompletableFuture<T> call) {
        ApplicationFuture<T> future = new ApplicationFuture<>(call);
        call.whenComplete(future);
        return future;
    }

    @Override
    public void accept(T value, Throwable error) {
        if (AgentThreads.current()) {
            ASYNC_POOL.execute(() -> settle(value, error)); // never the application's callbacks on our threads
        } else {
            settle(value, error);
        }
    }

    private void settle(T value, Throwable error) {
        if (error == null) {
            complete(value);
        } else {
            completeExceptionally(error instanceof CompletionException ? error : new CompletionException(error));
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        call.cancel(mayInterruptIfRunning);
        return cancelled;
    }
}
