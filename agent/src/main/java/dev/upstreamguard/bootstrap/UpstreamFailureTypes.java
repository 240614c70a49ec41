package dev.upstreamguard.bootstrap;

import java.util.HashMap;
import java.util.Map;

/**
 * The one table of exception types that show an upstream failure, and of which kind: the agent classifies
 * each attempt with it, the servlet filter each exception that escapes a request. Types are matched by the
 * name of the class or one of its superclasses, so no client library needs to be on the class path; a few
 * generic JDK types count only with the fixed message the JDK or OkHttp gives them.
 *
 * <p>JDK types only: the filter compiles this same source into its own jar (its build copies it from the
 * agent), so that it classifies alike with or without the agent. What only one side needs stays on that
 * side: the agent's view of the connect phase, its fallback for other I/O errors and which failures it never
 * retries; the filter's wrapper types and {@code upstream-exceptions}. Stateless and thread-safe.
 */
public final class UpstreamFailureTypes {

    /** Connection refused, connect timeout, no route, TLS handshake failed: the request was never sent. */
    public static final String CONNECT_FAILURE = "connect-failure";
    /** The host name could not be resolved. */
    public static final String DNS_FAILURE = "dns-failure";
    /** The connection was reset or closed before a complete response head. */
    public static final String RESET = "reset";
    /** No response head within the read timeout. */
    public static final String TIMEOUT = "timeout";

    /** Causes followed at most; a chain that loops ends here too. */
    public static final int MAX_CAUSES = 32;

    private static final Map<String, String> KINDS = new HashMap<>(64);

    static {
        // JDK
        KINDS.put("java.net.ConnectException", CONNECT_FAILURE);
        KINDS.put("java.net.NoRouteToHostException", CONNECT_FAILURE);
        KINDS.put("java.net.PortUnreachableException", CONNECT_FAILURE);
        KINDS.put("java.net.http.HttpConnectTimeoutException", CONNECT_FAILURE);
        // A certificate, protocol or host name the client rejects: an upstream failure, and a deterministic one.
        KINDS.put("javax.net.ssl.SSLHandshakeException", CONNECT_FAILURE);
        KINDS.put("javax.net.ssl.SSLPeerUnverifiedException", CONNECT_FAILURE);
        KINDS.put("java.net.UnknownHostException", DNS_FAILURE);
        KINDS.put("java.nio.channels.UnresolvedAddressException", DNS_FAILURE);
        KINDS.put("java.net.http.HttpTimeoutException", TIMEOUT);
        KINDS.put("java.nio.channels.InterruptedByTimeoutException", TIMEOUT);
        // Apache HttpClient 4.x
        KINDS.put("org.apache.http.conn.ConnectTimeoutException", CONNECT_FAILURE);
        KINDS.put("org.apache.http.conn.HttpHostConnectException", CONNECT_FAILURE);
        KINDS.put("org.apache.http.NoHttpResponseException", RESET);
        KINDS.put("org.apache.http.ConnectionClosedException", RESET);
        // Apache HttpClient 5.x
        KINDS.put("org.apache.hc.client5.http.ConnectTimeoutException", CONNECT_FAILURE);
        KINDS.put("org.apache.hc.client5.http.HttpHostConnectException", CONNECT_FAILURE);
        KINDS.put("org.apache.hc.core5.http.NoHttpResponseException", RESET);
        KINDS.put("org.apache.hc.core5.http.ConnectionClosedException", RESET);
        // OkHttp 4.x and 5.x
        KINDS.put("okhttp3.internal.http2.StreamResetException", RESET);
        KINDS.put("okhttp3.internal.http2.ConnectionShutdownException", RESET);
    }

    private UpstreamFailureTypes() {}

    /**
     * The throwable in {@code error}'s cause chain that decides the kind, or {@code null} when none shows an
     * upstream failure. A host name that could not be resolved wins wherever it sits (the JDK client reports
     * it as a {@code ConnectException} around an {@code UnresolvedAddressException}); otherwise the outermost
     * throwable with a kind decides, so Apache's {@code ConnectTimeoutException} stays a connect failure
     * around the {@code SocketTimeoutException} it wraps. Allocates nothing.
     */
    public static Throwable find(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (DNS_FAILURE.equals(kindOf(t))) {
                return t;
            }
        }
        t = error;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (kindOf(t) != null) {
                return t;
            }
        }
        return null;
    }

    /**
     * The kind {@code t} itself shows (its causes are not looked at), or {@code null}: one of {@link
     * #CONNECT_FAILURE}, {@link #DNS_FAILURE}, {@link #RESET}, {@link #TIMEOUT}.
     */
    public static String kindOf(Throwable t) {
        if (t == null) {
            return null;
        }
        for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            String name = c.getName();
            String kind = KINDS.get(name);
            if (kind == null) {
                kind = kindFromFixedMessage(name, t, c == t.getClass());
            }
            if (kind != null) {
                return kind;
            }
        }
        return null;
    }

    /**
     * The JDK and OkHttp report some failures only through a generic type with a fixed message, e.g.
     * {@code SocketException: Connection reset}. These messages are constants of those libraries, not user
     * data, and nothing else is read from any message.
     */
    private static String kindFromFixedMessage(String typeName, Throwable t, boolean exactType) {
        switch (typeName) {
            case "java.net.SocketTimeoutException":
                // HttpURLConnection and plain sockets: "Connect timed out" is a connect failure, the rest a read
                // timeout.
                return startsWithIgnoreCase(t.getMessage(), "connect timed out") ? CONNECT_FAILURE : TIMEOUT;
            case "java.net.SocketException":
                String message = t.getMessage();
                return startsWithIgnoreCase(message, "connection reset")
                                || startsWithIgnoreCase(message, "broken pipe")
                                || startsWithIgnoreCase(message, "unexpected end of file from server")
                        ? RESET
                        : null;
            case "java.io.InterruptedIOException":
                // OkHttp's call timeout; any other InterruptedIOException may be a plain thread interrupt.
                return exactType && "timeout".equals(t.getMessage()) ? TIMEOUT : null;
            case "java.io.IOException":
                // java.net.http.HttpClient when the upstream closes the connection before the response head.
                return exactType && startsWithIgnoreCase(t.getMessage(), "http/1.1 header parser received no bytes")
                        ? RESET
                        : null;
            default:
                return null;
        }
    }

    private static boolean startsWithIgnoreCase(String message, String prefix) {
        return message != null && message.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
