package dev.upstreamguard.it;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A blocking call run on its own thread for the cancellation scenario. */
final class Threads {

    private Threads() {}

    interface Blocking {
        Object run() throws Exception;
    }

    /**
     * Runs {@code call} on a new daemon thread; {@code cancel} gets that thread (to interrupt it) when the
     * test cancels.
     */
    static ClientDriver.InFlight inFlight(Blocking call, Consumer<Thread> cancel) {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        call.run();
                        ended.complete(null);
                    } catch (Throwable t) {
                        ended.complete(t);
                    }
                },
                "cancellable-call");
        thread.setDaemon(true);
        thread.start();
        return new ClientDriver.InFlight() {
            @Override
            public void cancel() {
                cancel.accept(thread);
            }

            @Override
            public Throwable awaitEnd()
                    throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
                return ended.get(10, TimeUnit.SECONDS);
            }
        };
    }
}
