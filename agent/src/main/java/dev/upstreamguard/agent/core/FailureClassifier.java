package dev.upstreamguard.agent.core;

import dev.upstreamguard.bootstrap.UpstreamFailureTypes;
import java.io.IOException;

/**
 * Maps what a client threw to a {@link FailureKind}, walking the cause chain: the types of the shared
 * {@link UpstreamFailureTypes} table first (matched by name, so no client library is needed to load this
 * class), then the agent's own fallback for any other I/O error of the exchange.
 */
public final class FailureClassifier {

    private FailureClassifier() {}

    /**
     * The kind of failure {@code error} stands for, or {@code null} when it is not an upstream failure
     * (an application or client-usage error, an interruption).
     *
     * @param connectPhase true when the adapter knows the error happened while connecting
     */
    public static FailureKind classify(Throwable error, boolean connectPhase) {
        // The shared table first: the same types mean the same kinds to the agent and to the filter.
        Throwable known = UpstreamFailureTypes.find(error);
        if (known != null) {
            FailureKind kind = kindOf(UpstreamFailureTypes.kindOf(known));
            if (kind == FailureKind.TIMEOUT && connectPhase && known instanceof java.net.SocketTimeoutException) {
                return FailureKind.CONNECT_FAILURE; // the adapter knows the socket was still connecting
            }
            return kind;
        }
        Throwable t = error;
        for (int depth = 0; t != null && depth < UpstreamFailureTypes.MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof java.net.ProtocolException
                    || t instanceof java.io.InterruptedIOException
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

    /**
     * True when {@code error} shows a failure that a retry cannot fix: a TLS handshake the client rejected
     * (certificate, protocol, cipher or host name). It is still an upstream failure, never retried.
     */
    public static boolean neverRetried(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < UpstreamFailureTypes.MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    private static FailureKind kindOf(String label) {
        switch (label) {
            case UpstreamFailureTypes.CONNECT_FAILURE:
                return FailureKind.CONNECT_FAILURE;
            case UpstreamFailureTypes.DNS_FAILURE:
                return FailureKind.DNS_FAILURE;
            case UpstreamFailureTypes.RESET:
                return FailureKind.RESET;
            case UpstreamFailureTypes.TIMEOUT:
                return FailureKind.TIMEOUT;
            default:
                return null;
        }
    }
}
