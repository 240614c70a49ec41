package dev.upstreamguard.agent.core;

/**
 * One client's way of running the attempts of one guarded call: the thin adapter between a client
 * library and the engine. The engine calls it from one thread at a time.
 *
 * @param <R> the client's response type
 */
public interface Exchange<R> {

    /** The application's own connect timeout in ms, {@code 0} when unset or infinite. */
    long appConnectTimeoutMillis();

    /** The application's own read timeout in ms, {@code 0} when unset or infinite. */
    long appReadTimeoutMillis();

    /** Runs one physical attempt synchronously, returning the client's response or throwing as it does. */
    R attempt(Attempt attempt) throws Throwable;

    /** The response status code. */
    int status(R response);

    /** A response header value, or {@code null}. */
    String header(R response, String name);

    /** Consumes and closes a response that will not reach the application, so no connection leaks. */
    void discard(R response);

    /**
     * What the retry setting the application gave its client explicitly would do after this attempt
     * (number {@code attempt}, 1 for the first): the wait in ms before it sent the request again, or
     * {@code -1} when it would not (or the application set none). When the engine retries, it waits at
     * least this long, and it keeps making attempts past its own {@code max-attempts} while this says
     * the application's client would. It never lifts the engine's other rules (what is retryable, the
     * method, a body that cannot be replayed, the budget, the call's deadline).
     */
    default long appRetryDelayMillis(R response, Throwable error, int attempt) {
        return -1;
    }

    /** True when {@code error} is known to have happened while connecting (nothing was sent). */
    default boolean failedWhileConnecting(Throwable error) {
        return false;
    }

    /**
     * True when the request may have reached the server within this attempt although {@code error} is a
     * connect failure: the original request's connection was established, or a response already came
     * (a followed redirect, an authentication challenge), so the failure belongs to a later hop. "Never
     * sent" then no longer holds and the method rule decides.
     */
    default boolean mayHaveBeenSent(Throwable error) {
        return false;
    }

    /**
     * True when {@code error} came from the application's own code running inside the attempt (its
     * request body failing to produce its bytes), not from the connection: no upstream failure, never
     * retried.
     */
    default boolean applicationFailure(Throwable error) {
        return false;
    }

    /**
     * True once the application has cancelled the call the client's own way (a cancel, a disconnect from
     * another thread, the client's own call timeout): no further attempt starts.
     */
    default boolean cancelled() {
        return false;
    }

    /** True when the cancellation was the client's own call timeout: the attempt then failed by a timeout. */
    default boolean cancelledByTimeout() {
        return false;
    }

    /**
     * What the client would throw for a timeout, here for a call whose request deadline was spent before it
     * started (nothing was sent). {@code SocketTimeoutException} unless the client has its own type (the JDK
     * {@code HttpClient}'s {@code HttpTimeoutException}).
     */
    default java.io.IOException timeoutException(String message) {
        return new java.net.SocketTimeoutException(message);
    }
}
