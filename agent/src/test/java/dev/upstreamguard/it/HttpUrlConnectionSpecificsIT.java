package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.ConnectHang;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only {@code HttpURLConnection} has: its type contract, streaming modes and its error stream. */
class HttpUrlConnectionSpecificsIT {

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private HttpURLConnection open(String path) throws IOException {
        return (HttpURLConnection) new URL(upstream.url(path)).openConnection();
    }

    @Test
    void theJdkWideDefaultTimeoutsTheApplicationSetAreKeptWhenShorter() throws Exception {
        // sun.net.client.default*Timeout apply to every connection that sets none; the JDK reads them at start-up
        upstream.otherwise(Fault.slowHead(java.time.Duration.ofSeconds(20)));
        ChildJvm.Result read = defaultsApp(upstream.url("/slow")).run();

        assertThat(read.stdout()).contains("error=java.net.SocketTimeoutException");
        assertThat(upstream.hits()).isEqualTo(3);
        // three attempts of the application's 150 ms; the agent's 3 s each would take 9 s
        assertThat(doneInMillis(read)).isLessThan(4_000L);

        try (ConnectHang hang = ConnectHang.start()) {
            ChildJvm.Result connect = defaultsApp(hang.url("/")).run();

            assertThat(connect.stdout()).contains("error=java.net.SocketTimeoutException");
            // three connects of the application's 100 ms; the agent's 2 s each would take 6 s
            assertThat(doneInMillis(connect)).isLessThan(3_000L);
        }
    }

    private static ChildJvm defaultsApp(String url) {
        return ChildJvm.java()
                .javaagent(java.nio.file.Paths.get(System.getProperty("agent.jar")))
                .sysProp("otel.traces.exporter", "none")
                .sysProp("upstreamguard.timeout.connect", "2s")
                .sysProp("upstreamguard.timeout.read", "3s")
                .sysProp("upstreamguard.retry.backoff.initial", "10ms")
                .sysProp("sun.net.client.defaultConnectTimeout", "100")
                .sysProp("sun.net.client.defaultReadTimeout", "150")
                .mainClass(dev.upstreamguard.it.apps.CallMain.class.getName(), "urlconnection", url, "1")
                .timeout(java.time.Duration.ofSeconds(60));
    }

    private static long doneInMillis(ChildJvm.Result result) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("done in (\\d+)ms").matcher(result.stdout());
        assertThat(m.find()).as(result.stdout()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void httpsUrlsStillGiveAnHttpsUrlConnection() throws Exception {
        assertThat(new URL("https://127.0.0.1:1/").openConnection()).isInstanceOf(HttpsURLConnection.class);
        assertThat(new URL("http://127.0.0.1:1/").openConnection()).isNotInstanceOf(HttpsURLConnection.class);
    }

    @Test
    void settingsBehaveLikeTheJdks() throws Exception {
        HttpURLConnection c = open("/s");
        c.setConnectTimeout(1234);
        c.setReadTimeout(0);
        c.setRequestProperty("X-One", "1");
        assertThat(c.getConnectTimeout()).isEqualTo(1234);
        assertThat(c.getRequestProperty("X-One")).isEqualTo("1");
        assertThatThrownBy(() -> c.setRequestMethod("BREW")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(c::getOutputStream).isInstanceOf(ProtocolException.class); // doOutput is false

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThatThrownBy(() -> c.setRequestProperty("X-Two", "2")).isInstanceOf(IllegalStateException.class);
        assertThat(upstream.requests().get(0).header("X-One")).isEqualTo("1");
    }

    @Test
    void errorStatusesSurfaceAsTheJdkDoesAfterTheRetries() throws Exception {
        upstream.otherwise(Fault.status(404, "gone"));
        HttpURLConnection c = open("/missing");

        assertThat(c.getResponseCode()).isEqualTo(404);
        assertThatThrownBy(c::getInputStream).isInstanceOf(FileNotFoundException.class);
        try (InputStream err = c.getErrorStream()) {
            assertThat(new String(err.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("gone");
        }
        assertThat(c.getHeaderField("Content-Length")).isEqualTo("4");
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void aFailedCallIsNotRepeatedWhenTheApplicationAsksAgain() throws Exception {
        upstream.otherwise(Fault.resetBeforeHead());
        HttpURLConnection c = open("/r");

        assertThatThrownBy(c::getResponseCode).isInstanceOf(IOException.class);
        assertThatThrownBy(c::getInputStream).isInstanceOf(IOException.class);
        assertThat(c.getHeaderField("Content-Type")).isNull();
        assertThat(upstream.hits()).isEqualTo(3);
    }

    @Test
    void aChunkedStreamedBodyIsSentOnceTracedAndNotRetried() throws Exception {
        upstream.otherwise(Fault.status(503));
        HttpURLConnection c = open("/upload");
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setChunkedStreamingMode(0);
        try (OutputStream out = c.getOutputStream()) {
            out.write("12345".getBytes(StandardCharsets.US_ASCII));
        }

        assertThat(c.getResponseCode()).isEqualTo(503);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(upstream.requests().get(0).bodyText()).isEqualTo("12345");
        ReceivedSpan span = Collector.clientSpans(upstream.port(), 1).get(0);
        assertThat(span.attr("upstreamguard.outcome")).isEqualTo("not-replayable");
        assertThat(upstream.requests().get(0).header("traceparent")).contains(span.spanId());
    }

    @Test
    void aGetWithABodyBecomesAPostAsInTheJdk() throws Exception {
        upstream.otherwise(Fault.status(503));
        HttpURLConnection c = open("/legacy");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write('x');
        }

        assertThat(c.getResponseCode()).isEqualTo(503);
        assertThat(upstream.requests()).extracting(r -> r.method()).containsExactly("POST");
    }
}
