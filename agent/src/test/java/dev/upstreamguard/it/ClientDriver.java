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
}
