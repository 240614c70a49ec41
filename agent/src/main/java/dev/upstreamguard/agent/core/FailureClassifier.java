package dev.upstreamguard.agent.core;

import java.io.IOException;

/**
 * Maps what a client threw to a {@link FailureKind}, walking the cause chain. Types are matched by
 * name where they belong to optional libraries, so no client library is needed to load this class.
 */
public final class FailureClassifier {

    private static final int MAX_CAUSES = 8;

    private FailureClassifier() {}

    /**
     * The kind of failure {@code error} stands for, or {@code null} when it is not an upstream failure
     * (an application or client-usage error, an interruption).
     *
     * @param connectPhase true when the adapter knows the error happened while connecting
     */
    public static FailureKind classify(Throwable error, boolean connectPhase) {
        // The JDK HttpClient reports an unknown host as a ConnectException caused by UnresolvedAddressException.
        Throwable t = error;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return FailureKind.DNS_FAILURE;
            }
        }
        // A specific type anywhere in the chain wins over a generic IOException wrapped around it.
        t = error;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            FailureKind kind = specific(t, connectPhase);
            if (kind != null) {
                return kind;
            }
        }
        t = error;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof java.net.ProtocolException || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException) {
                return null; // a malformed exchange or an interruption: not a transient upstream failure
            }
            if (t instanceof IOException) {
                // reset, EOF, "Unexpected end of file", header parser got no bytes: the exchange broke
                return connectPhase ? FailureKind.CONNECT_FAILURE : FailureKind.RESET;
            }
        }
        return null;
    }

    private static FailureKind specific(Throwable t, boolean connectPhase) {
        if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                || t instanceof java.net.PortUnreachableException) {
            return FailureKind.CONNECT_FAILURE;
        }
        String name = t.getClass().getName();
        switch (name) {
            case "java.net.http.HttpConnectTimeoutException":
            case "org.apache.hc.client5.http.ConnectTimeoutException":
            case "org.apache.http.conn.ConnectTimeoutException":
            case "org.apache.hc.client5.http.HttpHostConnectException":
            case "org.apache.http.conn.HttpHostConnectException":
                return FailureKind.CONNECT_FAILURE;
            case "java.net.http.HttpTimeoutException":
                return FailureKind.TIMEOUT;
            case "org.apache.hc.core5.http.NoHttpResponseException":
            case "org.apache.http.NoHttpResponseException":
            case "okhttp3.internal.http2.StreamResetException":
                return FailureKind.RESET;
            default:
                break;
        }
        if (t instanceof java.net.SocketTimeoutException) {
            return connectPhase || isConnectTimeoutMessage(t.getMessage()) ? FailureKind.CONNECT_FAILURE
                    : FailureKind.TIMEOUT;
        }
        if (t instanceof javax.net.ssl.SSLHandshakeException) {
            // the handshake precedes the request: nothing was sent
            return FailureKind.CONNECT_FAILURE;
        }
        if (t instanceof java.io.InterruptedIOException && "timeout".equals(t.getMessage())) {
            return FailureKind.TIMEOUT; // OkHttp's call timeout
        }
        return null;
    }

    private static boolean isConnectTimeoutMessage(String message) {
        return message != null && message.regionMatches(true, 0, "connect timed out", 0, 17);
    }
}
