package dev.upstreamguard.bootstrap;

/**
 * Entry points for advice on {@code java.net.http.HttpClient}. Parameters are typed {@code Object}
 * because {@code java.net.http} lives in the platform class loader, which the bootstrap part cannot
 * see.
 */
public interface HttpClientHooks {

    /**
     * Runs a guarded {@code send}. Returns {@code null} to let the original method run untouched,
     * otherwise the outcome to hand to the caller.
     */
    CallResult send(Object client, Object request, Object bodyHandler);

    /**
     * Runs a guarded {@code sendAsync}. Returns {@code null} to let the original method run untouched,
     * otherwise the {@code CompletableFuture} to return to the caller.
     */
    Object sendAsync(Object client, Object request, Object bodyHandler, Object pushPromiseHandler);

    /**
     * Called as a client is built, with the builder's connect timeout ({@code java.time.Duration} or
     * null); returns the connect timeout to build it with instead, or {@code null} to keep it.
     */
    Object connectTimeout(Object builderConnectTimeout);

    /** Called with every client built, so that the agent can recognise its own exporter's client. */
    void clientBuilt(Object client);

    /**
     * Called with the future of every exchange the JDK client starts (its inner {@code sendAsync}), on
     * the thread that starts it; a guarded sync attempt takes it to bound its wait for the head.
     */
    void exchangeStarted(Object future);

    /** True when the JDK client's own silent re-send of a failed exchange must be suppressed. */
    boolean suppressInternalRetry();

    /**
     * Called as {@code BodyPublishers.ofByteArrays(Iterable)} makes its publisher: only one over a
     * {@code Collection} can be iterated again for a retry.
     */
    void byteArraysPublisher(Object publisher, boolean reIterable);

    /**
     * Called when the JDK client follows a response up with another request inside one exchange (a
     * redirect, an authentication challenge), with the request the exchange was started for.
     */
    default void followedUp(Object userRequest) {}
}
