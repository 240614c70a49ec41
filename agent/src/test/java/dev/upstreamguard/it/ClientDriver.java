package dev.upstreamguard.it;

import java.util.List;
import java.util.Map;

/**
 * How one client library makes a call, for the conformance suite: a few lines per client. Each call
 * uses the library the way an application would, with no knowledge of the agent.
 */
interface ClientDriver {

    /** What the application got back. */
    record Reply(int status, String body, Map<String, List<String>> headers) {}

    /**
     * Makes one call; {@code body} is null for none. Throws exactly what the library throws (async
     * drivers unwrap the future's ExecutionException).
     */
    Reply call(String method, String url, String body) throws Exception;

    /** The exception class the library throws when no response head comes within the read timeout. */
    Class<? extends Throwable> readTimeoutType();

    /** The exception class the library throws for a host name that does not resolve. */
    default Class<? extends Throwable> unknownHostType() {
        return java.net.UnknownHostException.class;
    }

    /**
     * The library's name in the build's {@code it.version.NAME} property and a class of it, so the suite
     * can check it runs against the version the build asked for; {@code null} for the JDK's clients.
     */
    default String library() {
        return null;
    }

    default Class<?> libraryClass() {
        return null;
    }

    /** The exception class the library throws when the connection is refused (a {@code ConnectException}). */
    default Class<? extends java.net.ConnectException> connectRefusedType() {
        return java.net.ConnectException.class;
    }

    /** Time the driver itself waits in every call after the answer came (not the library's, not the agent's). */
    default long fixedWaitMillis() {
        return 0;
    }

    /** The exception class the library throws when the connect times out. */
    Class<? extends Throwable> connectTimeoutType();

    /**
     * True when the library, without the agent, tries the next address of a host name whose first
     * address refuses (Apache 5 and 4, OkHttp); the JDK's clients connect to the first address only.
     */
    default boolean triesEveryAddressOfAName() {
        return true;
    }

    /**
     * The same library with the application's own connect and read timeouts, set the way the library
     * recommends (for OkHttp per call, through {@code newBuilder()}).
     */
    ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read);

    /**
     * Makes one call with a client that follows redirects; most drivers' clients already do (the JDK
     * client's default is {@code Redirect.NEVER}: its driver uses one built with {@code Redirect.NORMAL}).
     */
    default Reply callFollowingRedirects(String method, String url, String body) throws Exception {
        return call(method, url, body);
    }

    /** A call running on another thread, for the cancellation scenario. */
    interface InFlight {
        /** Cancels it the client's own way: its cancel, an abort, a disconnect or an interrupt. */
        void cancel();

        /** Waits for the call to end: what it threw (unwrapped as the driver's {@code call} would), or null. */
        Throwable awaitEnd() throws Exception;
    }

    /** Starts a GET of {@code url} on another thread (or asynchronously), for the test to cancel. */
    InFlight startCancellable(String url) throws Exception;

    /** The outcome of a cancelled call: {@code cancelled}, or {@code interrupted} where cancelling interrupts. */
    default String cancelledOutcome() {
        return "cancelled";
    }

    /**
     * Makes a POST whose request body, produced by the application's own code as the client asks for it,
     * fails with {@code failure} (a serializer error, a missing file); returns what the call threw.
     */
    Throwable callWithFailingBody(String url, java.io.IOException failure) throws Exception;

    /**
     * Opens {@code count} calls to {@code url} and keeps their responses unread, so their connections stay
     * taken; closing the result lets them go.
     */
    AutoCloseable holdConnections(String url, int count) throws Exception;

    /** How many connections per route the client's default pool allows; beyond them a call waits for one. */
    default int connectionsPerRoute() {
        return 5;
    }
}
