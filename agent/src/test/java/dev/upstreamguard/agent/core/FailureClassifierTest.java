package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Mapping what a client threw to {@code upstreamguard.failure}. */
class FailureClassifierTest {

    private static FailureKind classify(Throwable t) {
        return FailureClassifier.classify(t, false);
    }

    @Test
    void connectionRefusedIsAConnectFailure() {
        assertThat(classify(new ConnectException("Connection refused"))).isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void noRouteIsAConnectFailure() {
        assertThat(classify(new NoRouteToHostException("No route to host"))).isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void unknownHostIsADnsFailure() {
        assertThat(classify(new UnknownHostException("nowhere.invalid"))).isEqualTo(FailureKind.DNS_FAILURE);
    }

    @Test
    void unknownHostStaysADnsFailureEvenWhileConnecting() {
        assertThat(FailureClassifier.classify(new UnknownHostException("x"), true))
                .isEqualTo(FailureKind.DNS_FAILURE);
    }

    @Test
    void readTimeoutIsATimeout() {
        assertThat(classify(new SocketTimeoutException("Read timed out"))).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void socketTimeoutWithoutMessageIsATimeout() {
        assertThat(classify(new SocketTimeoutException())).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void connectTimedOutMessageIsAConnectFailure() {
        assertThat(classify(new SocketTimeoutException("Connect timed out"))).isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(classify(new SocketTimeoutException("connect timed out"))).isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void socketTimeoutDuringTheConnectPhaseIsAConnectFailure() {
        assertThat(FailureClassifier.classify(new SocketTimeoutException("timeout"), true))
                .isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void httpClientTimeoutIsATimeout() {
        assertThat(classify(new HttpTimeoutException("request timed out"))).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void httpClientConnectTimeoutIsAConnectFailure() {
        assertThat(classify(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void connectionResetIsAReset() {
        assertThat(classify(new SocketException("Connection reset"))).isEqualTo(FailureKind.RESET);
    }

    @Test
    void endOfStreamBeforeTheResponseIsAReset() {
        assertThat(classify(new EOFException("EOF reached while reading"))).isEqualTo(FailureKind.RESET);
    }

    @Test
    void plainIOExceptionIsAResetAfterConnectingAndAConnectFailureWhileConnecting() {
        IOException broken = new IOException("Unexpected end of file from server");

        assertThat(FailureClassifier.classify(broken, false)).isEqualTo(FailureKind.RESET);
        assertThat(FailureClassifier.classify(broken, true)).isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void tlsHandshakeFailureIsAConnectFailure() {
        assertThat(classify(new SSLHandshakeException("Remote host terminated the handshake")))
                .isEqualTo(FailureKind.CONNECT_FAILURE);
    }

    @Test
    void uncheckedIOExceptionIsClassifiedByWhatItWraps() {
        assertThat(classify(new UncheckedIOException(new ConnectException("refused"))))
                .isEqualTo(FailureKind.CONNECT_FAILURE);
        assertThat(classify(new UncheckedIOException(new SocketException("Connection reset"))))
                .isEqualTo(FailureKind.RESET);
    }

    @Test
    void aSpecificCauseWinsOverTheGenericIOExceptionAroundIt() {
        IOException wrapped = new IOException("call failed", new SocketTimeoutException("Read timed out"));

        assertThat(classify(wrapped)).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void deeplyNestedCauseIsFound() {
        Throwable t = new RuntimeException(new IllegalStateException(new IOException(new UnknownHostException("x"))));

        assertThat(classify(t)).isEqualTo(FailureKind.DNS_FAILURE);
    }

    @Test
    void causeBeyondTheDepthLimitIsNotFollowed() {
        Throwable t = new UnknownHostException("x");
        for (int i = 0; i < 40; i++) { // the shared table follows 32 causes
            t = new RuntimeException(t);
        }

        assertThat(classify(t)).isNull();
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);

        assertThat(classify(a)).isNull();
    }

    @Test
    void protocolErrorIsNotAnUpstreamFailure() {
        assertThat(classify(new ProtocolException("Server redirected too many times")))
                .isNull();
    }

    @Test
    void interruptionIsNotAnUpstreamFailure() {
        assertThat(classify(new InterruptedIOException("interrupted"))).isNull();
        assertThat(classify(new ClosedByInterruptException())).isNull();
    }

    @Test
    void okHttpCallTimeoutIsATimeout() {
        assertThat(classify(new InterruptedIOException("timeout"))).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void applicationErrorsAreNotUpstreamFailures() {
        assertThat(classify(new IllegalArgumentException("invalid URI"))).isNull();
        assertThat(classify(new NullPointerException())).isNull();
        assertThat(classify(new InterruptedException())).isNull();
    }

    @Test
    void nothingThrownIsNoFailure() {
        assertThat(classify(null)).isNull();
    }
}
