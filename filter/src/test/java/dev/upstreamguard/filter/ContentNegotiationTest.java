package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.ServletException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The body follows the client's Accept header: HTML for browsers, problem+json for everything else. */
class ContentNegotiationTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;

    @BeforeAll
    static void startServer() throws Exception {
        jetty = new GuardedJetty();
        jetty.context("/app", Map.of(), spans.sdk, Map.of("/slow", Servlets.of((request, response) -> {
            throw new ServletException(new SocketTimeoutException("Read timed out"));
        })));
        jetty.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        jetty.close();
        spans.close();
    }

    @BeforeEach
    void clearSpans() {
        spans.reset();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/html",
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
                "application/json;q=0.5, text/*",
            })
    void clientsPreferringHtmlGetASmallPage(String accept) throws Exception {
        HttpResponse<String> response = jetty.get("/app/slow", "Accept", accept);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        SpanData span = spans.serverSpan("/app/slow");
        assertThat(response.body())
                .isEqualTo("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        + "<title>504 Gateway Timeout</title>\n</head>\n<body>\n<h1>504 Gateway Timeout</h1>\n"
                        + "<p>An upstream service did not answer in time.</p>\n<dl>\n"
                        + "<dt>Failure</dt><dd><code>timeout</code></dd>\n"
                        + "<dt>Trace ID</dt><dd><code>" + span.getTraceId()
                        + "</code></dd>\n</dl>\n</body>\n</html>\n");
        assertThat(response.headers().firstValue("traceresponse")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "application/json",
                "application/problem+json",
                "*/*",
                "text/plain",
                "text/html;q=0.5, application/json",
                "text/html;q=0.8, */*;q=0.8",
                "",
            })
    void everythingElseGetsProblemJson(String accept) throws Exception {
        HttpResponse<String> response =
                accept.isEmpty() ? jetty.get("/app/slow") : jetty.get("/app/slow", "Accept", accept);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).startsWith("{\"type\":").contains("\"failure\":\"timeout\"");
    }

    @Test
    void theAnswerVariesByAccept() throws Exception {
        assertThat(jetty.get("/app/slow").headers().firstValue("Vary")).hasValue("Accept");
    }
}
