package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code expose-dependency} and the classifier seam: a classifier that knows the dependency (as the agent
 * will) decides what the body, the span and the log may name.
 */
class ExposeDependencyTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    /** Knows the failed call as the agent will: by name, address and attempts. Not the exception's message. */
    private static final UpstreamFailureClassifier AGENT_LIKE = (failure, request) -> {
        switch (request.getServletPath()) {
            case "/named":
                return new UpstreamFailure(
                        UpstreamFailureKind.CONNECT_FAILURE,
                        "inventory",
                        "inventory.internal:8080",
                        3,
                        "java.net.ConnectException");
            case "/unnamed":
                return new UpstreamFailure(
                        UpstreamFailureKind.TIMEOUT,
                        null,
                        "inventory.internal:9000",
                        1,
                        "java.net.SocketTimeoutException");
            case "/status":
                // The upstream answered 503 three times; the application turned that into its own exception.
                return new UpstreamFailure(
                        UpstreamFailureKind.STATUS,
                        "pricing",
                        "pricing.internal:9000",
                        3,
                        failure.getClass().getName());
            case "/classifier-fails":
                throw new IllegalStateException("bug in a classifier");
            default:
                return null; // fall back to the exception chain
        }
    };

    @BeforeAll
    static void startServer() throws Exception {
        jetty = new GuardedJetty();
        for (String expose : new String[] {"name", "address", "none"}) {
            jetty.context(
                    "/" + expose,
                    new UpstreamGuardFilter(AGENT_LIKE),
                    Map.of("expose-dependency", expose),
                    spans.sdk,
                    servlets(),
                    EnumSet.of(DispatcherType.REQUEST));
        }
        jetty.start();
    }

    private static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        for (String path : new String[] {"/named", "/unnamed", "/classifier-fails", "/fallback"}) {
            servlets.put(path, Servlets.of((request, response) -> {
                throw new ServletException("call failed", new ConnectException("Connection refused"));
            }));
        }
        servlets.put("/status", Servlets.of((request, response) -> {
            throw new IllegalStateException("pricing answered 503");
        }));
        return servlets;
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

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void nameShowsTheLogicalNameOnly() throws Exception {
        HttpResponse<String> response = jetty.get("/name/named");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(TraceIds.masked(response.body()))
                .contains("\"failure\":\"connect-failure\",\"dependency\":\"inventory\"}")
                .doesNotContain("inventory.internal", "8080", "address");
    }

    @Test
    void nameShowsNothingWhenNoNameIsConfigured() throws Exception {
        HttpResponse<String> response = jetty.get("/name/unnamed");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body())
                .endsWith("\"failure\":\"timeout\"}")
                .doesNotContain("inventory.internal", "dependency");
    }

    @Test
    void addressShowsNameAndAddress() throws Exception {
        HttpResponse<String> named = jetty.get("/address/named");
        HttpResponse<String> unnamed = jetty.get("/address/unnamed");

        assertThat(named.body())
                .endsWith(
                        "\"failure\":\"connect-failure\",\"dependency\":\"inventory\",\"address\":\"inventory.internal:8080\"}");
        assertThat(unnamed.body()).endsWith("\"failure\":\"timeout\",\"address\":\"inventory.internal:9000\"}");
        HttpResponse<String> html = jetty.get("/address/named", "Accept", "text/html");
        assertThat(html.body())
                .contains("<dd><code>inventory</code></dd>", "<dd><code>inventory.internal:8080</code></dd>");
    }

    @Test
    void noneShowsNothingAboutTheDependency() throws Exception {
        HttpResponse<String> response = jetty.get("/none/named");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).endsWith("\"failure\":\"connect-failure\"}").doesNotContain("inventory");
    }

    @Test
    void spanAndLogAlwaysNameTheDependencyAndAttempts() throws Exception {
        jetty.get("/none/named");
        jetty.get("/none/unnamed");

        SpanData named = spans.serverSpan("/none/named");
        assertThat(named.getAttributes().get(RequestTrace.FAILED_DEPENDENCY)).isEqualTo("inventory");
        assertThat(named.getAttributes().get(RequestTrace.ATTEMPTS)).isEqualTo(3L);
        EventData event = named.getEvents().stream()
                .filter(e -> e.getName().equals(RequestTrace.UPSTREAM_FAILURE_EVENT))
                .findFirst()
                .orElseThrow();
        assertThat(event.getAttributes().get(RequestTrace.FAILED_DEPENDENCY)).isEqualTo("inventory");
        assertThat(event.getAttributes().get(RequestTrace.ATTEMPTS)).isEqualTo(3L);
        // Without a name, spans (internal) use host:port, as the client spans do.
        assertThat(spans.serverSpan("/none/unnamed").getAttributes().get(RequestTrace.FAILED_DEPENDENCY))
                .isEqualTo("inventory.internal:9000");
        assertThat(log.messages())
                .hasSize(2)
                .anySatisfy(line -> assertThat(line)
                        .contains("connect-failure dependency=inventory address=inventory.internal:8080 attempts=3"));
    }

    @Test
    void aFinalErrorStatusSeenByTheClassifierTurnsAnApplicationExceptionIntoA502() throws Exception {
        HttpResponse<String> response = jetty.get("/name/status");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .contains(
                        "\"failure\":\"status\",\"dependency\":\"pricing\"",
                        "\"detail\":\"An upstream service answered with an error.\"");
        SpanData span = spans.serverSpan("/name/status");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void withoutAnAnswerFromTheClassifierTheExceptionChainDecides() throws Exception {
        HttpResponse<String> response = jetty.get("/name/fallback");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).endsWith("\"failure\":\"connect-failure\"}");
    }

    @Test
    void aFailingClassifierFallsBackToTheExceptionChain() throws Exception {
        HttpResponse<String> response = jetty.get("/name/classifier-fails");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).endsWith("\"failure\":\"connect-failure\"}");
        assertThat(log.records()).anySatisfy(record -> {
            assertThat(record.getMessage()).contains("failed; using the exception chain alone (logged once)");
            assertThat(record.getThrown()).hasMessage("bug in a classifier");
        });
    }
}
