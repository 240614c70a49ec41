package dev.upstreamguard.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one table of exceptions and the upstream failure kind each shows, run through the agent's
 * classifier and through the filter's alike, so that the two can never drift apart again. Rows hold only
 * what both sides must agree on; what one side alone decides (the agent's fallback for other I/O errors,
 * the filter's wrapper types) is tested beside that side.
 */
public final class UpstreamFailureTable {

    /** Makes an exception of a client library's class, which each module has in its own form. */
    @FunctionalInterface
    public interface LibraryExceptions {
        Throwable create(String className, String message);
    }

    /** One row: an exception, the kind it shows ({@code null}: not an upstream failure) and whether a retry may help. */
    public static final class Row {
        private final String name;
        private final Throwable error;
        private final String kind;
        private final boolean neverRetried;
        private final String decidedBy;

        Row(String name, Throwable error, String kind, boolean neverRetried, String decidedBy) {
            this.name = name;
            this.error = error;
            this.kind = kind;
            this.neverRetried = neverRetried;
            this.decidedBy = decidedBy;
        }

        public Throwable error() {
            return error;
        }

        /** {@code connect-failure}, {@code dns-failure}, {@code reset}, {@code timeout}, or null. */
        public String kind() {
            return kind;
        }

        /** True for a deterministic failure (a TLS handshake): an upstream failure the agent never retries. */
        public boolean neverRetried() {
            return neverRetried;
        }

        /** The class name of the exception in the chain that shows the failure, or null. */
        public String decidedBy() {
            return decidedBy;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private UpstreamFailureTable() {}

    /** Every row, library exceptions made by {@code library}. */
    public static List<Row> rows(LibraryExceptions library) {
        List<Row> rows = new ArrayList<>();
        // JDK types
        upstream(rows, new ConnectException("Connection refused"), "connect-failure");
        upstream(rows, new NoRouteToHostException("No route to host"), "connect-failure");
        upstream(rows, new PortUnreachableException("ICMP Port Unreachable"), "connect-failure");
        upstream(rows, new SocketTimeoutException("Connect timed out"), "connect-failure");
        upstream(rows, new SocketTimeoutException("connect timed out"), "connect-failure");
        upstream(rows, new HttpConnectTimeoutException("HTTP connect timed out"), "connect-failure");
        upstream(rows, new UnknownHostException("inventory.invalid"), "dns-failure");
        upstream(rows, new UnresolvedAddressException(), "dns-failure");
        upstream(rows, new SocketException("Connection reset"), "reset");
        upstream(rows, new SocketException("Connection reset by peer"), "reset");
        upstream(rows, new SocketException("Broken pipe"), "reset");
        upstream(rows, new SocketException("Unexpected end of file from server"), "reset");
        upstream(rows, new IOException("HTTP/1.1 header parser received no bytes"), "reset");
        upstream(rows, new SocketTimeoutException("Read timed out"), "timeout");
        upstream(rows, new SocketTimeoutException(), "timeout");
        upstream(rows, new HttpTimeoutException("request timed out"), "timeout");
        upstream(rows, new InterruptedByTimeoutException(), "timeout");
        upstream(rows, new InterruptedIOException("timeout"), "timeout"); // OkHttp's call timeout
        // TLS: the request was never sent, and a retry meets the same certificate, protocol or name.
        rows.add(new Row(
                "SSLHandshakeException",
                new SSLHandshakeException("PKIX path building failed"),
                "connect-failure",
                true,
                "javax.net.ssl.SSLHandshakeException"));
        rows.add(new Row(
                "SSLPeerUnverifiedException",
                new SSLPeerUnverifiedException("Hostname not verified"),
                "connect-failure",
                true,
                "javax.net.ssl.SSLPeerUnverifiedException"));
        // Wrapped, as clients and applications wrap.
        Throwable connect = new ConnectException("Connection refused");
        rows.add(new Row(
                "ConnectException under RuntimeException under UncheckedIOException",
                new RuntimeException("lookup failed", new UncheckedIOException(new IOException("client", connect))),
                "connect-failure",
                false,
                "java.net.ConnectException"));
        rows.add(new Row(
                "SocketTimeoutException under a plain IOException",
                new IOException("call failed", new SocketTimeoutException("Read timed out")),
                "timeout",
                false,
                "java.net.SocketTimeoutException"));
        // The JDK client's unknown host: a ConnectException around an UnresolvedAddressException.
        rows.add(new Row(
                "ConnectException around UnresolvedAddressException",
                new ConnectException("inventory.invalid").initCause(new UnresolvedAddressException()),
                "dns-failure",
                false,
                "java.nio.channels.UnresolvedAddressException"));
        // A host name that cannot be resolved wins wherever it sits.
        rows.add(new Row(
                "UnknownHostException under a connect timeout",
                new SocketTimeoutException("Connect timed out").initCause(new UnknownHostException("x.invalid")),
                "dns-failure",
                false,
                "java.net.UnknownHostException"));

        // Client libraries
        upstream(rows, library, "org.apache.http.conn.ConnectTimeoutException", "connect-failure");
        upstream(rows, library, "org.apache.http.conn.HttpHostConnectException", "connect-failure");
        upstream(rows, library, "org.apache.http.NoHttpResponseException", "reset");
        upstream(rows, library, "org.apache.http.ConnectionClosedException", "reset");
        upstream(rows, library, "org.apache.hc.client5.http.ConnectTimeoutException", "connect-failure");
        upstream(rows, library, "org.apache.hc.client5.http.HttpHostConnectException", "connect-failure");
        upstream(rows, library, "org.apache.hc.core5.http.NoHttpResponseException", "reset");
        upstream(rows, library, "org.apache.hc.core5.http.ConnectionClosedException", "reset");
        upstream(rows, library, "okhttp3.internal.http2.StreamResetException", "reset");
        upstream(rows, library, "okhttp3.internal.http2.ConnectionShutdownException", "reset");
        // The outermost known type decides: a connect timeout around a read timeout is a connect failure.
        Throwable apacheConnect = library.create("org.apache.http.conn.ConnectTimeoutException", "connect timed out");
        apacheConnect.initCause(new SocketTimeoutException("Read timed out"));
        rows.add(new Row(
                "Apache 4 ConnectTimeoutException around a read timeout",
                apacheConnect,
                "connect-failure",
                false,
                "org.apache.http.conn.ConnectTimeoutException"));

        // Not upstream failures, for either side.
        notUpstream(rows, new NullPointerException());
        notUpstream(rows, new IllegalArgumentException("invalid URI"));
        notUpstream(rows, new IllegalStateException("bug", new IllegalArgumentException("cause")));
        notUpstream(rows, new InterruptedIOException("interrupted"));
        notUpstream(rows, new InterruptedIOException());
        notUpstream(rows, new ProtocolException("Server redirected too many times"));
        Throwable deep = new UnknownHostException("beyond the depth limit");
        for (int i = 0; i < 40; i++) {
            deep = new RuntimeException(deep);
        }
        rows.add(new Row("UnknownHostException beyond 32 causes", deep, null, false, null));
        RuntimeException first = new RuntimeException("first");
        first.initCause(new RuntimeException("second", first));
        rows.add(new Row("a cause chain that loops", first, null, false, null));
        return rows;
    }

    private static void upstream(List<Row> rows, Throwable error, String kind) {
        rows.add(new Row(describe(error), error, kind, false, error.getClass().getName()));
    }

    private static void upstream(List<Row> rows, LibraryExceptions library, String className, String kind) {
        Throwable error = library.create(className, "from the table");
        if (!error.getClass().getName().equals(className)) {
            throw new IllegalStateException("made a " + error.getClass().getName() + " for " + className);
        }
        rows.add(new Row(className, error, kind, false, className));
    }

    private static void notUpstream(List<Row> rows, Throwable error) {
        rows.add(new Row(describe(error), error, null, false, null));
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : " \"" + error.getMessage() + "\"");
    }
}
