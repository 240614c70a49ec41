package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request body of a guarded {@code HttpURLConnection}: kept for a replay up to
 * {@code upstreamguard.retry.max-buffered-body} (default 1MiB), sent through once and never retried past it.
 */
class HttpUrlConnectionBodyIT {

    private static final int MIB = 1024 * 1024;

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private HttpURLConnection put(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(upstream.url(path)).openConnection();
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        return c;
    }

    private static void write(HttpURLConnection c, byte[] body) throws IOException {
        try (OutputStream out = c.getOutputStream()) {
            for (int off = 0; off < body.length; off += 64 * 1024) {
                out.write(body, off, Math.min(64 * 1024, body.length - off));
            }
        }
    }

    @Test
    void aBufferedBodyIsReplayedWithItsLength() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("stored"));
        HttpURLConnection c = put("/b");
        write(c, "hello".getBytes(StandardCharsets.US_ASCII));

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(upstream.requests()).hasSize(2).allSatisfy(r -> {
            assertThat(r.bodyText()).isEqualTo("hello");
            assertThat(r.header("Content-Length")).isEqualTo("5");
            assertThat(r.header("Transfer-Encoding")).isNull();
        });
    }

    @Test
    void aFixedLengthBodyWithinTheLimitIsKeptAndReplayed() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("stored"));
        HttpURLConnection c = put("/f");
        c.setFixedLengthStreamingMode(5);
        write(c, "12345".getBytes(StandardCharsets.US_ASCII));

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(upstream.requests()).extracting(RecordedRequest::bodyText).containsExactly("12345", "12345");
        assertThat(upstream.requests())
                .extracting(r -> r.header("Content-Length"))
                .containsExactly("5", "5");
    }

    @Test
    void aBodyPastTheLimitIsSentOnceAsItIsWrittenAndNeverRetried() throws Exception {
        upstream.otherwise(Fault.status(503));
        byte[] body = new byte[MIB + 1];
        Arrays.fill(body, (byte) 'x');
        HttpURLConnection c = put("/big");
        write(c, body);

        assertThat(c.getResponseCode()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(upstream.requests().get(0).body()).hasSize(MIB + 1);
        assertThat(Collector.clientSpans(upstream.port(), 1))
                .extracting(s -> s.attr("upstreamguard.outcome"))
                .containsExactly("not-replayable");
    }

    @Test
    void aFixedLengthAboveTheLimitIsStreamedOnce() throws Exception {
        upstream.otherwise(Fault.status(503));
        byte[] body = new byte[MIB + 1];
        HttpURLConnection c = put("/bigfixed");
        c.setFixedLengthStreamingMode(body.length);
        write(c, body);

        assertThat(c.getResponseCode()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(upstream.requests().get(0).header("Content-Length")).isEqualTo(Integer.toString(MIB + 1));
    }

    @Test
    void aFixedLengthRefusesExtraBytesAndAShortBodyAsTheJdkDoes() throws Exception {
        HttpURLConnection tooMany = put("/many");
        tooMany.setFixedLengthStreamingMode(3);
        OutputStream out = tooMany.getOutputStream();
        assertThatThrownBy(() -> out.write(new byte[5]))
                .isInstanceOf(IOException.class)
                .hasMessage("too many bytes written");

        HttpURLConnection tooFew = put("/few");
        tooFew.setFixedLengthStreamingMode(3);
        OutputStream shortOut = tooFew.getOutputStream();
        shortOut.write(1);
        assertThatThrownBy(shortOut::close).isInstanceOf(IOException.class).hasMessage("insufficient data written");
        assertThat(upstream.hits()).isZero();
    }

    @Test
    void aPostAnswered401Or303KeepsTheJdksBufferedBehaviour() throws Exception {
        // in a streaming mode the JDK throws HttpRetryException for both: why each attempt gets the body buffered
        upstream.enqueue(
                        Fault.status(401).withHeader("WWW-Authenticate", "Basic realm=\"x\""),
                        Fault.status(303).withHeader("Location", "/done"))
                .otherwise(Fault.ok("done"));

        HttpURLConnection denied = (HttpURLConnection) new URL(upstream.url("/orders")).openConnection();
        denied.setDoOutput(true);
        write(denied, "order".getBytes(StandardCharsets.US_ASCII));
        assertThat(denied.getResponseCode()).isEqualTo(401);

        HttpURLConnection redirected = (HttpURLConnection) new URL(upstream.url("/orders")).openConnection();
        redirected.setDoOutput(true);
        write(redirected, "order".getBytes(StandardCharsets.US_ASCII));
        assertThat(redirected.getResponseCode()).isEqualTo(200);

        assertThat(upstream.requests())
                .extracting(r -> r.method() + " " + r.path())
                .containsExactly("POST /orders", "POST /orders", "GET /done");
    }
}
