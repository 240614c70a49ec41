package dev.upstreamguard.filter;

import static dev.upstreamguard.filter.SynchronousFailuresTest.assertNoUpstreamFailure;
import static dev.upstreamguard.filter.SynchronousFailuresTest.assertUpstreamFailureSpan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Ports;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter in a second container, embedded Tomcat 10.1, mapped exactly as the web.xml of docs/filter.md
 * (REQUEST dispatches only). Tomcat reports the failure of an async dispatch to {@code
 * AsyncListener.onError}, so this is where the filter's listener answers it; and its client abort is the
 * real {@code ClientAbortException}.
 */
class TomcatFailuresTest {
    private static final String FAILURE = "test.failure";
    private static final Spans spans = new Spans();
    private static final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static String refusedUrl;
    private static Tomcat tomcat;
    private static int port;
    private final CapturedLog log = new CapturedLog();

    @BeforeAll
    static void startTomcat(@TempDir Path baseDir) throws Exception {
        refusedUrl = "http://127.0.0.1:" + Ports.refusedPort() + "/inventory";
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        Context context = tomcat.addContext("/app", baseDir.toString());

        FilterDef filter = new FilterDef();
        filter.setFilterName("upstreamGuard");
        filter.setFilterClass(UpstreamGuardFilter.class.getName());
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("upstreamGuard");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);

        servlets().forEach((path, servlet) -> {
            Wrapper wrapper = Tomcat.addServlet(context, path.substring(1), servlet);
            wrapper.setAsyncSupported(true);
            wrapper.addMapping(path);
        });
        tomcat.start();
        context.getServletContext().setAttribute(RequestTracer.OPEN_TELEMETRY_ATTRIBUTE, spans.sdk);
        port = connector.getLocalPort();
    }

    private static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/refused", Servlets.of((request, response) -> {
            try {
                Servlets.call(refusedUrl, 2_000);
            } catch (IOException e) {
                throw new ServletException("inventory lookup failed", e);
            }
        }));
        // The task hands the failure back to the container thread, which rethrows it (Spring MVC does this).
        servlets.put("/dispatch-throws", Servlets.of((request, response) -> {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                throw new ServletException("inventory lookup failed", (Throwable) request.getAttribute(FAILURE));
            }
            AsyncContext async = request.startAsync();
            async.start(() -> {
                try {
                    Servlets.call(refusedUrl, 2_000);
                } catch (IOException e) {
                    request.setAttribute(FAILURE, e);
                }
                async.dispatch();
            });
        }));
        // A second async cycle: the listener must follow the new startAsync (onStartAsync) to see the failure.
        servlets.put("/restart-then-throw", Servlets.of((request, response) -> {
            AsyncContext async = request.startAsync();
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                Servlets.call(refusedUrl, 2_000);
            }
            async.start(async::dispatch);
        }));
        // Committed, then failed while async: the filter records and rethrows, then Tomcat calls onError.
        servlets.put("/commit-then-throw", Servlets.of((request, response) -> {
            request.startAsync();
            response.getWriter().write("partial");
            response.flushBuffer();
            Servlets.call(refusedUrl, 2_000);
        }));
        servlets.put("/dispatch-npe", Servlets.of((request, response) -> {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                throw new NullPointerException("application bug");
            }
            AsyncContext async = request.startAsync();
            async.start(async::dispatch);
        }));
        servlets.put("/unavailable", Servlets.of((request, response) -> {
            throw new ServletException(
                    "inventory lookup failed",
                    new dev.upstreamguard.UpstreamUnavailableException("circuit-open", 2_500));
        }));
        servlets.put("/client-abort", Servlets.of((request, response) -> {
            throw new ClientAbortException(new SocketException("Broken pipe"));
        }));
        // Security headers as a filter in front sets them (Spring Security, Tomcat's HttpHeaderSecurityFilter).
        servlets.put("/secured-refused", Servlets.of((request, response) -> {
            response.setHeader("Strict-Transport-Security", "max-age=31536000");
            response.setHeader("Content-Security-Policy", "default-src 'none'");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("X-App", "set before the failure");
            Servlets.call(refusedUrl, 2_000);
        }));
        return servlets;
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        tomcat.stop();
        tomcat.destroy();
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
    void aCallRejectedByTheBreakerAnswers503WithRetryAfter() throws Exception {
        HttpResponse<String> response = get("/app/unavailable");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"title\":\"Service Unavailable\"", "\"failure\":\"circuit-open\"");
    }

    @Test
    void refusedUpstreamAnswers502() throws Exception {
        HttpResponse<String> response = get("/app/refused");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertUpstreamFailureSpan(
                spans.serverSpan("/app/refused"), "connect-failure", "java.net.ConnectException", 502);
    }

    @Test
    void failureInASecondAsyncCycleReachesTheListenerAndAnswers502() throws Exception {
        HttpResponse<String> response = get("/app/restart-then-throw");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"connect-failure\"");
        assertUpstreamFailureSpan(
                spans.serverSpan("/app/restart-then-throw"), "connect-failure", "java.net.ConnectException", 502);
    }

    /**
     * (No test for an exception escaping an {@code AsyncContext.start} task: Tomcat reports it to onError only
     * when it happens before the request dispatch returns, otherwise the request waits for its async
     * timeout; Jetty only logs it. docs/filter.md tells applications to hand such failures back.)
     *
     * <p>The limitation documented in docs/filter.md (map the filter for ASYNC dispatches too): Tomcat writes
     * its error page for a failed async dispatch before it calls onError, so the listener finds the response
     * committed. It still records the failure on the span and logs it, and does not write over the page.
     */
    @Test
    void failureOfAnAsyncDispatchIsRecordedButTomcatHasAlreadyAnswered() throws Exception {
        HttpResponse<String> response = get("/app/dispatch-throws");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        SpanData span = spans.serverSpan("/app/dispatch-throws");
        assertThat(span.getAttributes().get(RequestTrace.FAILURE)).isEqualTo("connect-failure");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(log.messages())
                .singleElement()
                .asString()
                .contains("answered=unchanged (response already committed)");
    }

    @Test
    void aFailureSeenByTheFilterAndThenByItsListenerIsDecidedOnce() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app/commit-then-throw"))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            body.readAllBytes();
        } catch (IOException expectedWhenTheCommittedResponseIsAborted) {
            // the failure was rethrown after the response was committed
        }

        assertThat(response.statusCode()).isEqualTo(200);
        SpanData span = spans.serverSpan("/app/commit-then-throw");
        assertThat(span.getEvents())
                .filteredOn(e -> e.getName().equals(RequestTrace.UPSTREAM_FAILURE_EVENT))
                .hasSize(1);
        assertThat(log.messages()).singleElement().asString().contains("answered=unchanged");
    }

    @Test
    void applicationBugInAsyncDispatchStaysA500() throws Exception {
        HttpResponse<String> response = get("/app/dispatch-npe");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        assertNoUpstreamFailure(spans.serverSpan("/app/dispatch-npe"));
        assertThat(log.records()).isEmpty();
    }

    @Test
    void tomcatClientAbortIsNotAnUpstreamFailure() throws Exception {
        HttpResponse<String> response = get("/app/client-abort");

        assertThat(response.statusCode()).isNotEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        assertNoUpstreamFailure(spans.serverSpan("/app/client-abort"));
        assertThat(log.records()).isEmpty();
    }

    @Test
    void securityHeadersSurviveTheProblemAnswer() throws Exception {
        HttpResponse<String> response = get("/app/secured-refused");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("X-App")).isEmpty();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
