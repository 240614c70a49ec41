package dev.upstreamguard.filter;

import static dev.upstreamguard.filter.SynchronousFailuresTest.assertNoUpstreamFailure;
import static dev.upstreamguard.filter.SynchronousFailuresTest.assertUpstreamFailureSpan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Ports;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Asynchronous servlets ({@code startAsync}) behind the filter in a real Jetty 12, with three mappings:
 * the web.xml of docs/filter.md (REQUEST dispatches only), REQUEST and ASYNC and ERROR (the failure of an async
 * dispatch passes through the filter again), and REQUEST and ERROR (Jetty turns the failure of an async
 * dispatch into an error dispatch, which the filter answers instead of the error page).
 *
 * <p>Jetty 12 does not report an exception thrown by an async dispatch to {@code AsyncListener.onError}
 * (it goes straight to an error dispatch), nor one escaping an {@code AsyncContext.start} task (it is only
 * logged). It does report a failure thrown while the request is async (a dispatch that called {@code
 * startAsync} again), which the filter's listener answers; {@code TomcatFailuresTest} covers Tomcat.
 */
class AsyncFailuresTest {
    private static final String FAILURE = "test.failure";
    private static final Spans spans = new Spans();
    private static String refusedUrl;
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    @BeforeAll
    static void startServer() throws Exception {
        refusedUrl = "http://127.0.0.1:" + Ports.refusedPort() + "/pricing";
        jetty = new GuardedJetty();
        jetty.context("/request-only", Map.of(), spans.sdk, servlets());
        jetty.context(
                "/all-dispatches",
                new UpstreamGuardFilter(),
                Map.of(),
                spans.sdk,
                servlets(),
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        ServletContextHandler withErrorPage = jetty.context(
                "/request-and-error",
                new UpstreamGuardFilter(),
                Map.of(),
                spans.sdk,
                servlets(),
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR));
        // Jetty dispatches to an error page only when one is configured, as <error-page> in web.xml does.
        ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
        errorPages.addErrorPage(Throwable.class, "/error");
        withErrorPage.setErrorHandler(errorPages);
        jetty.start();
    }

    private static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/ok", Servlets.of((request, response) -> {
            AsyncContext async = request.startAsync();
            async.start(() -> {
                try {
                    async.getResponse().getWriter().write("async fine");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                async.complete();
            });
        }));
        // Async started, then the upstream call fails before the request dispatch returns.
        servlets.put("/start-then-throw", Servlets.of((request, response) -> {
            request.startAsync();
            Servlets.call(refusedUrl, 2_000);
        }));
        // The task hands the failure back to the container thread, which rethrows it (Spring MVC does this).
        servlets.put("/dispatch-throws", Servlets.of((request, response) -> {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                throw new ServletException("pricing lookup failed", (Throwable) request.getAttribute(FAILURE));
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
        // A second async cycle whose dispatch throws while async: Jetty reports it to AsyncListener.onError,
        // and the filter's listener must have followed the new startAsync (onStartAsync) to see it.
        servlets.put("/restart-then-throw", Servlets.of((request, response) -> {
            AsyncContext async = request.startAsync();
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                Servlets.call(refusedUrl, 2_000);
            }
            async.start(async::dispatch);
        }));
        servlets.put(
                "/error",
                Servlets.of((request, response) -> response.getWriter().write("the error page")));
        servlets.put("/dispatch-npe", Servlets.of((request, response) -> {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                throw new NullPointerException("application bug");
            }
            AsyncContext async = request.startAsync();
            async.start(async::dispatch);
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

    @ParameterizedTest
    @ValueSource(strings = {"/request-only", "/all-dispatches", "/request-and-error"})
    void failureAfterStartAsyncInTheRequestDispatchAnswers502(String context) throws Exception {
        HttpResponse<String> response = jetty.get(context + "/start-then-throw");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"failure\":\"connect-failure\"");
        assertUpstreamFailureSpan(
                spans.serverSpan(context + "/start-then-throw"), "connect-failure", "java.net.ConnectException", 502);
        assertThat(log.messages()).singleElement().asString().contains("connect-failure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/all-dispatches", "/request-and-error"})
    void asyncDispatchThatThrowsAnswers502(String context) throws Exception {
        HttpResponse<String> response = jetty.get(context + "/dispatch-throws");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .contains("\"failure\":\"connect-failure\"", "\"instance\":\"" + context + "/dispatch-throws\"");
        SpanData span = spans.serverSpan(context + "/dispatch-throws");
        assertUpstreamFailureSpan(span, "connect-failure", "java.net.ConnectException", 502);
        assertThat(response.body()).contains("\"traceId\":\"" + span.getTraceId() + "\"");
        assertThat(log.messages()).singleElement();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/request-only", "/all-dispatches", "/request-and-error"})
    void failureInASecondAsyncCycleAnswers502(String context) throws Exception {
        HttpResponse<String> response = jetty.get(context + "/restart-then-throw");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"failure\":\"connect-failure\"");
        assertUpstreamFailureSpan(
                spans.serverSpan(context + "/restart-then-throw"), "connect-failure", "java.net.ConnectException", 502);
        assertThat(log.messages()).singleElement();
    }

    /** The limitation documented in docs/filter.md: on Jetty, map the filter for ASYNC or ERROR dispatches. */
    @org.junit.jupiter.api.Test
    void onJettyTheRequestOnlyMappingCannotSeeTheFailureOfAnAsyncDispatch() throws Exception {
        HttpResponse<String> response = jetty.get("/request-only/dispatch-throws");

        assertThat(response.statusCode()).isEqualTo(500);
        assertNoUpstreamFailure(spans.serverSpan("/request-only/dispatch-throws"));
        assertThat(log.records()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/request-only", "/all-dispatches", "/request-and-error"})
    void applicationBugInAsyncDispatchStaysA500(String context) throws Exception {
        HttpResponse<String> response = jetty.get(context + "/dispatch-npe");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
        if (context.equals("/request-and-error")) {
            assertThat(response.body()).isEqualTo("the error page");
        }
        assertNoUpstreamFailure(spans.serverSpan(context + "/dispatch-npe"));
        assertThat(log.records()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/request-only", "/all-dispatches", "/request-and-error"})
    void successfulAsyncRequestEndsItsSpanOnCompletion(String context) throws Exception {
        HttpResponse<String> response = jetty.get(context + "/ok");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("async fine");
        SpanData span = spans.serverSpan(context + "/ok");
        assertThat(span.getAttributes().get(RequestTrace.HTTP_RESPONSE_STATUS_CODE))
                .isEqualTo(200L);
        assertNoUpstreamFailure(span);
    }
}
