package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Ports;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests a hostile or broken client could send: malformed and oversized trace headers, attempts to
 * inject into the problem response or the log line, very long paths. Each gets a clean answer.
 */
class HostileInputTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;
    private static String refusedUrl;
    private final CapturedLog log = new CapturedLog();

    @BeforeAll
    static void start() throws Exception {
        refusedUrl = "http://127.0.0.1:" + Ports.refusedPort() + "/inventory";
        HttpServlet failing = Servlets.of((request, response) -> {
            try {
                Servlets.call(refusedUrl, 2_000);
            } catch (IOException e) {
                throw new ServletException("inventory lookup failed", e);
            }
        });
        jetty = new GuardedJetty();
        jetty.context("/app", Map.of(), spans.sdk, Map.of("/*", failing));
        jetty.start();
    }

    @AfterAll
    static void stop() {
        jetty.close();
        spans.close();
    }

    @BeforeEach
    void clear() {
        spans.reset();
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    private static String traceIdIn(HttpResponse<String> response) {
        String body = response.body();
        int at = body.indexOf("\"traceId\":\"");
        return at < 0 ? null : body.substring(at + 11, at + 43);
    }

    @Test
    void aMalformedTraceparentStartsANewTrace() throws Exception {
        HttpResponse<String> response = jetty.get("/app/a", "traceparent", "00-zzzz-not-a-trace-01");

        assertThat(response.statusCode()).isEqualTo(502);
        String traceId = traceIdIn(response);
        assertThat(traceId).matches("[0-9a-f]{32}");
        SpanData server = spans.serverSpan("/app/a");
        assertThat(server.getTraceId()).isEqualTo(traceId);
        assertThat(server.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void anAllZeroTraceparentIsNotContinued() throws Exception {
        HttpResponse<String> response =
                jetty.get("/app/b", "traceparent", "00-00000000000000000000000000000000-0000000000000000-01");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(traceIdIn(response)).isNotEqualTo("00000000000000000000000000000000");
    }

    @Test
    void oversizedTraceHeadersAreIgnored() throws Exception {
        // as large as the container lets through (Jetty answers 431 above 8 KiB of headers)
        String huge = "00-" + "a".repeat(2_000) + "-" + "b".repeat(16) + "-01";
        String hugeState = ("k=" + "v".repeat(200) + ",").repeat(20);

        HttpResponse<String> response = jetty.get("/app/c", "traceparent", huge, "tracestate", hugeState);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(traceIdIn(response)).matches("[0-9a-f]{32}");
        assertThat(spans.serverSpan("/app/c").getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void aPathCannotInjectIntoTheProblemResponseOrTheLog() throws Exception {
        // (CR/LF in a path never gets this far: the container answers 400; the log's own stripping is unit-tested)
        HttpResponse<String> response = jetty.get("/app/x%22,%22status%22:200,%22a%22:%22%3Cscript%3E%E2%80%A8");

        assertThat(response.statusCode()).isEqualTo(502);
        String body = response.body();
        assertThat(body)
                .startsWith("{")
                .endsWith("}")
                .contains("\"status\":502")
                .doesNotContain("\"status\":200,")
                .doesNotContain("<script>")
                .doesNotContain("\u2028");
        // the path stays as the client encoded it: inert inside the JSON string
        assertThat(body).contains("\"instance\":\"/app/x%22,%22status%22:200,%22a%22:%22%3Cscript%3E%E2%80%A8\"");
        assertThat(log.messages()).hasSize(1);
        assertThat(log.messages().get(0))
                .doesNotContain("\r")
                .doesNotContain("\n")
                .doesNotContain("\u2028");
    }

    @Test
    void hostileHeadersDoNotReachTheHtmlPage() throws Exception {
        HttpResponse<String> response = jetty.get("/app/%3Cimg%20src=x%20onerror=alert(1)%3E", "Accept", "text/html");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(response.body()).doesNotContain("<img").doesNotContain("onerror=alert(1)>");
    }

    @Test
    void aVeryLongPathGetsTheSameCleanAnswer() throws Exception {
        String path = "/app/" + "segment/".repeat(600);

        HttpResponse<String> response = jetty.get(path);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(log.messages()).hasSize(1);
        assertThat(log.messages().get(0).length()).isLessThan(2_000);
    }

    @Test
    void noInternalAddressOrMessageLeaksByDefault() throws Exception {
        HttpResponse<String> response = jetty.get("/app/d");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .doesNotContain("127.0.0.1")
                .doesNotContain("refused")
                .doesNotContain("inventory lookup")
                .doesNotContain("Exception")
                .doesNotContain("at dev.");
    }
}
