package dev.upstreamguard.agent.core;

import java.util.concurrent.CompletableFuture;

/**
 * An {@link Exchange} whose client also has an asynchronous call that the engine drives attempt by
 * attempt ({@link CallGuard#executeAsync}). A client whose asynchronous calls run its synchronous chain
 * on its own threads (OkHttp's {@code enqueue}) needs only {@link Exchange}.
 *
 * @param <R> the client's response type
 */
public interface AsyncExchange<R> extends Exchange<R> {

    /** Starts one physical attempt asynchronously; the future completes as the client's own would. */
    CompletableFuture<R> attemptAsync(Attempt attempt);
}
