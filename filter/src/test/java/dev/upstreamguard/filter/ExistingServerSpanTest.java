package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another instrumentation (here a filter in front of ours, as the OpenTelemetry Java agent's servlet
 * instrumentation would be) already made a SERVER span current: the filter enriches it, creates no second
 * one, and leaves ending it to its owner.
 */
class ExistingServerSpanTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;

    @BeforeAll
    @SuppressWarnings("try") // the scope is only held open
    static void startServer() throws Exception {
        jetty = new GuardedJetty();
        Filter otherInstrumentation = (request, response, chain) -> {
            Span span = spans.sdk
                    .getTracer("other-instrumentation")
                    .spanBuilder("GET /app/*")
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute(RequestTracer.URL_PATH, ((HttpServletRequest) request).getRequestURI())
                    .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                chain.doFilter(request, response);
            } finally {
                span.end();
            }
        };
        jetty.context(
                "/app",
                otherInstrumentation,
                new UpstreamGuardFilter(),
                Map.of(),
                spans.sdk,
                Map.of(
                        "/refused",
                                Servlets.of((request, response) -> {
                                    throw new ServletException(new ConnectException("Connection refused"));
                                }),
                        "/npe",
                                Servlets.of((request, response) -> {
                                    throw new NullPointerException();
                                })),
                EnumSet.of(DispatcherType.REQUEST));
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

    @Test
    void upstreamFailureEnrichesTheExistingServerSpan() throws Exception {
        HttpResponse<String> response = jetty.get("/app/refused");

        assertThat(response.statusCode()).isEqualTo(502);
        List<SpanData> serverSpans = spans.await(s -> s.getKind() == SpanKind.SERVER, 1);
        assertThat(serverSpans).singleElement().satisfies(span -> {
            assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("other-instrumentation");
            assertThat(span.getName()).isEqualTo("GET /app/*");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getAttributes().get(RequestTrace.FAILURE)).isEqualTo("connect-failure");
            assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isEqualTo("java.net.ConnectException");
            assertThat(span.getEvents()).extracting(e -> e.getName()).contains(RequestTrace.UPSTREAM_FAILURE_EVENT);
            assertThat(response.body()).contains("\"traceId\":\"" + span.getTraceId() + "\"");
            assertThat(response.headers().firstValue("traceresponse").orElseThrow())
                    .isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                            + span.getSpanContext().getTraceFlags().asHex());
        });
        assertThat(spans.exporter.getFinishedSpanItems()).hasSize(1);
    }

    @Test
    void applicationErrorsAreLeftToTheSpansOwner() throws Exception {
        HttpResponse<String> response = jetty.get("/app/npe");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(spans.await(s -> true, 1)).singleElement().satisfies(span -> {
            assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("other-instrumentation");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(span.getAttributes().get(RequestTrace.ERROR_TYPE)).isNull();
            SynchronousFailuresTest.assertNoUpstreamFailure(span);
        });
    }
}
