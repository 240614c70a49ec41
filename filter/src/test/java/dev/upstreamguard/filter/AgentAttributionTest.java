package dev.upstreamguard.filter;

import static dev.upstreamguard.filter.SynchronousFailuresTest.assertNoUpstreamFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.RequestScope;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which escaping exceptions the filter pins on an upstream when the agent took part, in a real Jetty,
 * with the agent's real bridge classes (compiled beside the tests): the servlets record their guarded
 * calls into the request's scope exactly as the agent does, then fail the way applications fail.
 */
class AgentAttributionTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    /** An application's own exception for a bad answer: nothing in it says "upstream". */
    static final class PriceUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PriceUnavailableException(String message) {
            super(message);
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        AgentLink.linkTo(RequestBridge.class);
        jetty = new GuardedJetty();
        jetty.context("/app", Map.of(), spans.sdk, servlets());
        jetty.start();
    }

    @AfterAll
    static void stopServer() {
        AgentLink.forget();
        jetty.close();
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

    /** What the agent records when pricing answered 503 three times: no exception, a 503 response. */
    private static void pricingAnswered503() {
        scope().recordCall("pricing", true, "pricing.internal:9000", "status", 3, "exhausted", 503, null);
    }

    private static void pricingAnswered200() {
        scope().recordCall("pricing", true, "pricing.internal:9000", null, 1, "success", 200, null);
    }

    /** What the agent records when inventory refused every attempt, and the exception it threw. */
    private static ConnectException inventoryRefused() {
        ConnectException thrown = new ConnectException("Connection refused");
        scope().recordCall("inventory", true, "inventory.internal:8080", "connect-failure", 3, "exhausted", -1, thrown);
        return thrown;
    }

    private static RequestScope scope() {
        RequestScope scope = RequestBridge.current();
        if (scope == null) {
            throw new AssertionError("the filter attached no agent scope to the request thread");
        }
        return scope;
    }

    private static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/fallback-then-npe", Servlets.of((request, response) -> {
            pricingAnswered503();
            String fallbackPrice = request.getParameter("no-such-parameter"); // the fallback's own bug
            response.getWriter().write(fallbackPrice.trim());
        }));
        servlets.put("/fallback-then-wrapped-npe", Servlets.of((request, response) -> {
            pricingAnswered503();
            throw new ServletException("Request processing failed", new NullPointerException());
        }));
        servlets.put("/own-exception-for-503", Servlets.of((request, response) -> {
            pricingAnswered503();
            throw new PriceUnavailableException("pricing answered 503");
        }));
        servlets.put("/own-exception-after-a-later-success", Servlets.of((request, response) -> {
            pricingAnswered503();
            pricingAnswered200();
            throw new PriceUnavailableException("not about pricing: it answered");
        }));
        servlets.put("/delivered-wrapped-after-a-later-success", Servlets.of((request, response) -> {
            ConnectException refused = inventoryRefused();
            pricingAnswered200();
            throw new ServletException("checkout failed", new UncheckedIOException(new IOException("client", refused)));
        }));
        servlets.put("/own-exception-after-64-calls", Servlets.of((request, response) -> {
            for (int i = 0; i < 64; i++) {
                pricingAnswered200();
            }
            pricingAnswered503();
            throw new PriceUnavailableException("the 65th call failed");
        }));
        servlets.put("/no-failed-call", Servlets.of((request, response) -> {
            pricingAnswered200();
            throw new PriceUnavailableException("an application error");
        }));
        return servlets;
    }

    @Test
    void aBugInTheFallbackAfterA503StaysA500Untouched() throws Exception {
        HttpResponse<String> response = jetty.get("/app/fallback-then-npe");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        assertThat(response.body()).doesNotContain("upstreamguard.dev/problems");
        SpanData span = spans.serverSpan("/app/fallback-then-npe");
        assertNoUpstreamFailure(span);
        assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo("java.lang.NullPointerException");
        assertThat(log.records()).isEmpty();
    }

    @Test
    void aBugWrappedByTheFrameworkAfterA503StaysA500() throws Exception {
        HttpResponse<String> response = jetty.get("/app/fallback-then-wrapped-npe");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("upstreamguard.dev/problems");
        assertNoUpstreamFailure(spans.serverSpan("/app/fallback-then-wrapped-npe"));
    }

    @Test
    void theApplicationsOwnExceptionRightAfterA503IsA502NamingTheDependency() throws Exception {
        HttpResponse<String> response = jetty.get("/app/own-exception-for-503");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"status\"", "\"dependency\":\"pricing\"");
        SpanData span = spans.serverSpan("/app/own-exception-for-503");
        assertThat(span.getAttributes().get(RequestTrace.FAILED_DEPENDENCY)).isEqualTo("pricing");
        assertThat(span.getAttributes().get(RequestTrace.ATTEMPTS)).isEqualTo(3L);
        assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE))
                .isEqualTo(PriceUnavailableException.class.getName());
    }

    @Test
    void anExceptionAfterALaterSuccessfulCallIsNotPinnedOnTheEarlierFailure() throws Exception {
        HttpResponse<String> response = jetty.get("/app/own-exception-after-a-later-success");

        assertThat(response.statusCode()).isEqualTo(500);
        assertNoUpstreamFailure(spans.serverSpan("/app/own-exception-after-a-later-success"));
    }

    @Test
    void theExceptionTheAgentDeliveredIsFoundByIdentityWhateverHappenedAfter() throws Exception {
        HttpResponse<String> response = jetty.get("/app/delivered-wrapped-after-a-later-success");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"connect-failure\"", "\"dependency\":\"inventory\"");
        SpanData span = spans.serverSpan("/app/delivered-wrapped-after-a-later-success");
        assertThat(span.getAttributes().get(RequestTrace.FAILED_DEPENDENCY)).isEqualTo("inventory");
        assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo("java.net.ConnectException");
        assertThat(log.messages())
                .singleElement()
                .asString()
                .contains("connect-failure dependency=inventory", "attempts=3", "exception=java.net.ConnectException");
    }

    @Test
    void aFailureAfterSixtyFourGuardedCallsStillReachesTheFilter() throws Exception {
        HttpResponse<String> response = jetty.get("/app/own-exception-after-64-calls");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"status\"", "\"dependency\":\"pricing\"");
    }

    @Test
    void anApplicationErrorWithNoFailedCallStaysA500() throws Exception {
        HttpResponse<String> response = jetty.get("/app/no-failed-call");

        assertThat(response.statusCode()).isEqualTo(500);
        assertNoUpstreamFailure(spans.serverSpan("/app/no-failed-call"));
    }
}
