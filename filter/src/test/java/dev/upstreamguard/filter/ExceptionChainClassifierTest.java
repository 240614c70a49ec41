package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.InventoryDownException;
import jakarta.servlet.ServletException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exception-chain classification. Library types are stand-ins with the libraries' class names (in
 * this module's test sources), which proves the match is by name and needs no library on the class path.
 */
class ExceptionChainClassifierTest {
    private final ExceptionChainClassifier classifier =
            new ExceptionChainClassifier(Set.of("com.example.InventoryDownException"));

    static Stream<Arguments> upstreamFailures() {
        return Stream.of(
                Arguments.of(
                        new ConnectException("Connection refused"), "connect-failure", "java.net.ConnectException"),
                Arguments.of(
                        new NoRouteToHostException("No route to host"),
                        "connect-failure",
                        "java.net.NoRouteToHostException"),
                Arguments.of(
                        new SocketTimeoutException("Connect timed out"),
                        "connect-failure",
                        "java.net.SocketTimeoutException"),
                Arguments.of(
                        new SocketTimeoutException("Read timed out"), "timeout", "java.net.SocketTimeoutException"),
                Arguments.of(new SocketTimeoutException(), "timeout", "java.net.SocketTimeoutException"),
                Arguments.of(
                        new HttpConnectTimeoutException("HTTP connect timed out"),
                        "connect-failure",
                        "java.net.http.HttpConnectTimeoutException"),
                Arguments.of(
                        new HttpTimeoutException("request timed out"), "timeout", "java.net.http.HttpTimeoutException"),
                Arguments.of(
                        new UnknownHostException("inventory.invalid"), "dns-failure", "java.net.UnknownHostException"),
                Arguments.of(new SocketException("Connection reset"), "reset", "java.net.SocketException"),
                Arguments.of(new SocketException("Connection reset by peer"), "reset", "java.net.SocketException"),
                Arguments.of(
                        new SocketException("Unexpected end of file from server"), "reset", "java.net.SocketException"),
                Arguments.of(
                        new IOException("HTTP/1.1 header parser received no bytes"), "reset", "java.io.IOException"),
                Arguments.of(new InterruptedIOException("timeout"), "timeout", "java.io.InterruptedIOException"),
                Arguments.of(
                        new org.apache.http.conn.ConnectTimeoutException("Connect to x timed out"),
                        "connect-failure",
                        "org.apache.http.conn.ConnectTimeoutException"),
                Arguments.of(
                        new org.apache.http.NoHttpResponseException("x failed to respond"),
                        "reset",
                        "org.apache.http.NoHttpResponseException"),
                // HttpClient 5's ConnectTimeoutException is a SocketTimeoutException: its own name decides first.
                Arguments.of(
                        new org.apache.hc.client5.http.ConnectTimeoutException("Connect to x timed out"),
                        "connect-failure",
                        "org.apache.hc.client5.http.ConnectTimeoutException"),
                Arguments.of(
                        new org.apache.hc.client5.http.HttpHostConnectException("Connect to x failed"),
                        "connect-failure",
                        "org.apache.hc.client5.http.HttpHostConnectException"),
                Arguments.of(
                        new org.apache.hc.core5.http.NoHttpResponseException("x failed to respond"),
                        "reset",
                        "org.apache.hc.core5.http.NoHttpResponseException"),
                Arguments.of(
                        new okhttp3.internal.http2.StreamResetException("stream was reset: CANCEL"),
                        "reset",
                        "okhttp3.internal.http2.StreamResetException"),
                // Spring's wrapper: the kind comes from the cause, else "other".
                Arguments.of(
                        new org.springframework.web.client.ResourceAccessException(
                                "I/O error", new SocketTimeoutException("Read timed out")),
                        "timeout",
                        "java.net.SocketTimeoutException"),
                Arguments.of(
                        new org.springframework.web.client.ResourceAccessException("I/O error"),
                        "other",
                        "org.springframework.web.client.ResourceAccessException"),
                Arguments.of(
                        new jakarta.ws.rs.ProcessingException("x", new ConnectException("refused")),
                        "connect-failure",
                        "java.net.ConnectException"),
                Arguments.of(
                        new jakarta.ws.rs.ProcessingException("x", new IOException("stream closed")),
                        "other",
                        "java.io.IOException"),
                // Wrapped the ways applications and frameworks wrap.
                Arguments.of(
                        new ServletException(
                                "outer",
                                new RuntimeException(
                                        "middle",
                                        new UncheckedIOException(
                                                new IOException("client", new ConnectException("refused"))))),
                        "connect-failure",
                        "java.net.ConnectException"),
                // The outermost known type decides: a connect timeout wrapping a socket timeout is a connect failure.
                Arguments.of(
                        withCause(
                                new org.apache.http.conn.ConnectTimeoutException("connect"),
                                new SocketTimeoutException("Read timed out")),
                        "connect-failure",
                        "org.apache.http.conn.ConnectTimeoutException"),
                Arguments.of(
                        new InventoryDownException("inventory is down"), "other", "com.example.InventoryDownException"),
                Arguments.of(
                        new InventoryDownException.Subclass(),
                        "other",
                        InventoryDownException.Subclass.class.getName()),
                Arguments.of(
                        withCause(new InventoryDownException("down"), new UnknownHostException("x.invalid")),
                        "dns-failure",
                        "java.net.UnknownHostException"));
    }

    @ParameterizedTest
    @MethodSource("upstreamFailures")
    void recognisesUpstreamFailures(Throwable failure, String kind, String exceptionType) {
        UpstreamFailure upstream = classifier.classify(failure, null);

        assertThat(upstream).isNotNull();
        assertThat(upstream.kind().value()).isEqualTo(kind);
        assertThat(upstream.exceptionType()).isEqualTo(exceptionType);
        assertThat(upstream.dependency()).isNull();
        assertThat(upstream.address()).isNull();
        assertThat(upstream.attempts()).isZero();
    }

    static Stream<Throwable> notUpstreamFailures() {
        return Stream.of(
                new NullPointerException(),
                new IllegalStateException("bug", new IllegalArgumentException("cause")),
                new ServletException("no cause"),
                new IOException("disk full"),
                new EOFException("truncated request body"),
                new SocketException("Socket closed"),
                new InterruptedIOException("interrupted"),
                new InterruptedIOException(),
                new jakarta.ws.rs.ProcessingException("no MessageBodyReader"),
                new jakarta.ws.rs.ProcessingException("mapping", new IllegalArgumentException("bad json")));
    }

    @ParameterizedTest
    @MethodSource("notUpstreamFailures")
    void leavesEverythingElseAlone(Throwable failure) {
        assertThat(classifier.classify(failure, null)).isNull();
    }

    @Test
    void survivesACauseCycle() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(classifier.classify(first, null)).isNull();
    }

    @Test
    void clientAbortsAreRecognisedAnywhereInTheChain() {
        assertThat(ClientAbort.isClientAbort(new EofException("reset"))).isTrue();
        assertThat(ClientAbort.isClientAbort(new ServletException(new UncheckedIOException(
                        new org.apache.catalina.connector.ClientAbortException(new SocketException("Broken pipe"))))))
                .isTrue();
        assertThat(ClientAbort.isClientAbort(new SocketException("Connection reset by peer")))
                .isFalse();
        assertThat(ClientAbort.isClientAbort(new EOFException())).isFalse();
    }

    private static <T extends Throwable> T withCause(T failure, Throwable cause) {
        failure.initCause(cause);
        return failure;
    }
}
