package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Ports;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Synchronous servlets behind the filter in a real Jetty, over real HTTP, with real loopback upstreams. */
class SynchronousFailuresTest {
    private static final Spans spans = new Spans();
    private static FaultyUpstream hangingUpstream;
    private static FaultyUpstream resettingUpstream;
    private static String refusedUrl;
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    /** An application's own exception for a failed dependency, named in {@code upstream-exceptions}. */
    static final class InventoryUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InventoryUnavailableException(String message) {
            super(message);
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        hangingUpstream = FaultyUpstream.start().otherwise(Fault.hangHead());
        resettingUpstream = FaultyUpstream.start().otherwise(Fault.resetBeforeHead());
        refusedUrl = "http://127.0.0.1:" + Ports.refusedPort() + "/inventory/42";
        jetty = new GuardedJetty();
        jetty.context("/app", Map.of(), spans.sdk, servlets());
        jetty.context("/timeout502", Map.of("timeout-status", "502"), spans.sdk, servlets());
        jetty.context(
                "/custom",
                Map.of(
                        "upstream-exceptions",
                        " com.example.Unused , " + InventoryUnavailableException.class.getName() + ","),
                spans.sdk,
                servlets());
        jetty.start();
    }

    private static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put(
                "/ok", Servlets.of((request, response) -> response.getWriter().write("fine")));
        servlets.put("/refused", Servlets.of((request, response) -> {
            try {
                Servlets.call(refusedUrl, 2_000);
            } catch (IOException e) {
                throw new ServletException("inventory lookup failed", e);
            }
        }));
        servlets.put("/refused-runtime", Servlets.of((request, response) -> {
            try {
                Servlets.call(refusedUrl, 2_000);
            } catch (IOException e) {
                throw new IllegalStateException("inventory lookup failed", e);
            }
        }));
        servlets.put("/nested", Servlets.of((request, response) -> {
            try {
                Servlets.call(refusedUrl, 2_000);
            } catch (IOException e) {
                throw new ServletException(
                        "outer",
                        new RuntimeException("middle", new UncheckedIOException(new IOException("client wrapper", e))));
            }
        }));
        servlets.put("/timeout", Servlets.of((request, response) -> Servlets.call(hangingUpstream.url("/slow"), 300)));
        servlets.put(
                "/reset", Servlets.of((request, response) -> Servlets.call(resettingUpstream.url("/reset"), 2_000)));
        servlets.put("/unknown-host", Servlets.of((request, response) -> {
            throw new ServletException(new UnknownHostException("inventory.invalid"));
        }));
        servlets.put("/npe", Servlets.of((request, response) -> {
            String missing = request.getParameter("missing");
            response.getWriter().write(missing.trim());
        }));
        servlets.put("/client-abort", Servlets.of((request, response) -> {
            throw new EofException(new SocketException("Connection reset by peer"));
        }));
        servlets.put("/committed", Servlets.of((request, response) -> {
            response.getWriter().write("partial");
            response.flushBuffer();
            Servlets.call(refusedUrl, 2_000);
        }));
        servlets.put("/custom-exception", Servlets.of((request, response) -> {
            throw new InventoryUnavailableException("inventory at inventory-7.internal:8080 is down");
        }));
        servlets.put("/secret", Servlets.of((request, response) -> {
            throw new ServletException(
                    "db at db-3.internal:5432 failed",
                    new ConnectException("Connection refused: secret-db.internal:5432"));
        }));
        servlets.put("/headers-then-fail", Servlets.of((request, response) -> {
            response.setHeader("X-App", "set before the failure");
            response.setHeader("Access-Control-Allow-Origin", "https://shop.example");
            response.addHeader("Access-Control-Expose-Headers", "traceresponse");
            response.setContentType("text/plain");
            response.getWriter().write("buffered, not committed");
            Servlets.call(refusedUrl, 2_000);
        }));
        return servlets;
    }

    @AfterAll
    static void stopServer() throws Exception {
        jetty.close();
        hangingUpstream.close();
        resettingUpstream.close();
        spans.close();
    }

    @BeforeEach
    void clearSpans() {
        spans.reset();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void refusedUpstreamWrappedInServletExceptionAnswers502ProblemJson() throws Exception {
        HttpResponse<String> response = jetty.get("/app/refused");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        SpanData span = spans.serverSpan("/app/refused");
        String traceId = span.getTraceId();
        assertThat(response.body())
                .isEqualTo("{\"type\":\"https://upstreamguard.dev/problems/upstream-failure\","
                        + "\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"An upstream service could not be reached.\","
                        + "\"instance\":\"/app/refused\",\"traceId\":\"" + traceId
                        + "\",\"failure\":\"connect-failure\"}");
        assertThat(response.headers().firstValue("traceresponse"))
                .hasValue("00-" + traceId + "-" + span.getSpanId() + "-"
                        + span.getSpanContext().getTraceFlags().asHex());
        assertUpstreamFailureSpan(span, "connect-failure", "java.net.ConnectException", 502);
    }

    @Test
    void refusedUpstreamWrappedInRuntimeExceptionAnswers502() throws Exception {
        HttpResponse<String> response = jetty.get("/app/refused-runtime");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"connect-failure\"");
        assertUpstreamFailureSpan(
                spans.serverSpan("/app/refused-runtime"), "connect-failure", "java.net.ConnectException", 502);
    }

    @Test
    void failureDeepInTheCauseChainIsFound() throws Exception {
        HttpResponse<String> response = jetty.get("/app/nested");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"connect-failure\"");
    }

    @Test
    void upstreamReadTimeoutAnswers504() throws Exception {
        HttpResponse<String> response = jetty.get("/app/timeout");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body())
                .contains("\"title\":\"Gateway Timeout\"", "\"status\":504", "\"failure\":\"timeout\"");
        assertUpstreamFailureSpan(spans.serverSpan("/app/timeout"), "timeout", "java.net.SocketTimeoutException", 504);
    }

    @Test
    void timeoutStatusInitParamChangesTheTimeoutAnswer() throws Exception {
        HttpResponse<String> response = jetty.get("/timeout502/timeout");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"title\":\"Bad Gateway\"", "\"status\":502", "\"failure\":\"timeout\"");
    }

    @Test
    void connectionResetBeforeTheResponseHeadAnswers502() throws Exception {
        HttpResponse<String> response = jetty.get("/app/reset");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"reset\"");
        assertUpstreamFailureSpan(spans.serverSpan("/app/reset"), "reset", "java.net.SocketException", 502);
    }

    @Test
    void unknownHostAnswers502WithDnsFailure() throws Exception {
        HttpResponse<String> response = jetty.get("/app/unknown-host");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"dns-failure\"").doesNotContain("inventory.invalid");
        assertUpstreamFailureSpan(
                spans.serverSpan("/app/unknown-host"), "dns-failure", "java.net.UnknownHostException", 502);
    }

    @Test
    void applicationBugStaysA500UntouchedWithoutUpstreamAttributesOrLogLine() throws Exception {
        HttpResponse<String> response = jetty.get("/app/npe");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        assertThat(response.headers().firstValue("traceresponse")).isEmpty();
        SpanData span = spans.serverSpan("/app/npe");
        assertNoUpstreamFailure(span);
        // The filter owns this span, so it records the exception as the HTTP conventions ask.
        assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo("java.lang.NullPointerException");
        assertThat(span.getAttributes().get(RequestTrace.HTTP_RESPONSE_STATUS_CODE))
                .isEqualTo(500L);
        assertThat(log.records()).isEmpty();
    }

    @Test
    void downstreamClientAbortIsNotAnUpstreamFailure() throws Exception {
        HttpResponse<String> response = jetty.get("/app/client-abort");

        assertThat(response.statusCode()).isNotEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        SpanData span = spans.serverSpan("/app/client-abort");
        assertNoUpstreamFailure(span);
        assertThat(span.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(log.records()).isEmpty();
    }

    @Test
    void committedResponseIsNotRewrittenButTheFailureIsRecordedAndRethrown() throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(jetty.uri("/app/committed")).GET().build();
        HttpResponse<InputStream> response = jetty.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        String body = readWhatArrives(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).startsWith("partial").doesNotContain("problem", "Bad Gateway");
        SpanData span = spans.serverSpan("/app/committed");
        assertThat(span.getAttributes().get(RequestTrace.FAILURE)).isEqualTo("connect-failure");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(RequestTrace.HTTP_RESPONSE_STATUS_CODE))
                .isEqualTo(200L);
        assertThat(log.messages())
                .singleElement()
                .asString()
                .contains("connect-failure", "answered=unchanged (response already committed)");
    }

    @Test
    void headersAndBufferedBodyOfTheApplicationAreReplaced() throws Exception {
        HttpResponse<String> response = jetty.get("/app/headers-then-fail");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("X-App")).isEmpty();
        // CORS headers survive, so that a browser may read the answer of a cross-origin call.
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("traceresponse");
        assertThat(response.body()).startsWith("{\"type\"").doesNotContain("buffered");
    }

    @Test
    void customUpstreamExceptionCountsOnlyWhereConfigured() throws Exception {
        HttpResponse<String> configured = jetty.get("/custom/custom-exception");
        HttpResponse<String> unconfigured = jetty.get("/app/custom-exception");

        assertThat(configured.statusCode()).isEqualTo(502);
        assertThat(configured.body())
                .contains("\"failure\":\"other\"")
                .doesNotContain("inventory-7.internal", "inventory");
        assertUpstreamFailureSpan(
                spans.serverSpan("/custom/custom-exception"),
                "other",
                InventoryUnavailableException.class.getName(),
                502);
        assertThat(unconfigured.statusCode()).isEqualTo(500);
        assertNoUpstreamFailure(spans.serverSpan("/app/custom-exception"));
    }

    @Test
    void bodyNeverShowsStackTraceExceptionMessageOrAddress() throws Exception {
        for (String accept : new String[] {"application/json", "text/html"}) {
            HttpResponse<String> response = jetty.get("/app/secret", "Accept", accept);

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(TraceIds.masked(response.body()))
                    .contains("<trace-id>")
                    .doesNotContain(
                            "secret-db",
                            "5432",
                            "db-3.internal",
                            "Connection refused",
                            "ConnectException",
                            "at dev.",
                            "Exception");
        }
        HttpResponse<String> refused = jetty.get("/app/refused");
        assertThat(TraceIds.masked(refused.body())).doesNotContain("127.0.0.1", "inventory", "Exception");
    }

    @Test
    void successfulRequestGetsAPlainServerSpan() throws Exception {
        HttpResponse<String> response = jetty.get("/app/ok?q=1", "User-Agent", "upstream-guard-test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("fine");
        SpanData span = spans.serverSpan("/app/ok");
        assertThat(span.getName()).isEqualTo("GET");
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getAttributes().get(RequestTracer.HTTP_REQUEST_METHOD)).isEqualTo("GET");
        assertThat(span.getAttributes().get(RequestTracer.URL_SCHEME)).isEqualTo("http");
        assertThat(span.getAttributes().get(RequestTracer.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(span.getAttributes().get(RequestTracer.SERVER_PORT))
                .isEqualTo((long) jetty.uri("/").getPort());
        assertThat(span.getAttributes().get(RequestTracer.CLIENT_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(span.getAttributes().get(RequestTracer.USER_AGENT_ORIGINAL)).isEqualTo("upstream-guard-test");
        assertThat(span.getAttributes().get(RequestTrace.HTTP_RESPONSE_STATUS_CODE))
                .isEqualTo(200L);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertNoUpstreamFailure(span);
        assertThat(log.records()).isEmpty();
    }

    @Test
    void incomingTraceparentIsContinued() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentSpanId = "00f067aa0ba902b7";

        HttpResponse<String> response =
                jetty.get("/app/refused", "traceparent", "00-" + traceId + "-" + parentSpanId + "-01");

        SpanData span = spans.serverSpan("/app/refused");
        assertThat(span.getTraceId()).isEqualTo(traceId);
        assertThat(span.getParentSpanId()).isEqualTo(parentSpanId);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(response.body()).contains("\"traceId\":\"" + traceId + "\"");
        assertThat(response.headers().firstValue("traceresponse"))
                .hasValue("00-" + traceId + "-" + span.getSpanId() + "-"
                        + span.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void oneLogLineNamesTraceDependencyAndKindAndCannotBeInjected() throws Exception {
        HttpResponse<String> response = jetty.get("/app/refused?x=%0d%0aFAKE");
        // A path with an encoded CR LF reaches the log only through getRequestURI, still encoded; a raw one
        // is rejected by Jetty. The cleaning itself is unit-tested in UpstreamFailureLogTest.
        assertThat(response.statusCode()).isEqualTo(502);
        String traceId = spans.serverSpan("/app/refused").getTraceId();

        assertThat(log.records()).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getThrown()).isNull();
            assertThat(record.getMessage())
                    .isEqualTo(
                            "Upstream failure: connect-failure dependency=unknown exception=java.net.ConnectException"
                                    + " request=\"GET /app/refused\" traceId=" + traceId + " answered=502")
                    .doesNotContain("\n", "\r");
        });
    }

    static void assertUpstreamFailureSpan(SpanData span, String kind, String errorType, long status) {
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(RequestTrace.FAILURE)).isEqualTo(kind);
        assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo(errorType);
        assertThat(span.getAttributes().get(RequestTrace.HTTP_RESPONSE_STATUS_CODE))
                .isEqualTo(status);
        // Without the agent, the dependency and the number of attempts are unknown and not made up.
        assertThat(span.getAttributes().get(RequestTrace.FAILED_DEPENDENCY)).isNull();
        assertThat(span.getAttributes().get(RequestTrace.ATTEMPTS)).isNull();
        EventData event = span.getEvents().stream()
                .filter(e -> e.getName().equals(RequestTrace.UPSTREAM_FAILURE_EVENT))
                .findFirst()
                .orElseThrow();
        assertThat(event.getAttributes().get(RequestTrace.FAILURE)).isEqualTo(kind);
        assertThat(event.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo(errorType);
    }

    static void assertNoUpstreamFailure(SpanData span) {
        assertThat(span.getAttributes().asMap().keySet())
                .extracting(AttributeKey::getKey)
                .noneMatch(key -> key.startsWith("upstreamguard."));
        assertThat(span.getEvents()).extracting(EventData::getName).doesNotContain(RequestTrace.UPSTREAM_FAILURE_EVENT);
    }

    private static String readWhatArrives(InputStream body) {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[256];
        try (body) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                text.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException expectedWhenJettyAbortsTheResponse) {
            // the response was committed; Jetty aborts the connection after the rethrown failure
        }
        return text.toString();
    }
}
