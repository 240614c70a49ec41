package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.ServerSpanHooks;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import jakarta.servlet.ServletException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application with the OpenTelemetry API only and the agent running: the agent's SDK makes the SERVER
 * span (here a recording stand-in behind the agent's real bridge), the answer names its trace, the
 * application's API sees it as current, and everything the filter records reaches the agent when it ends.
 */
class AgentMadeSpanTest {
    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN_ID = "b7ad6b7169203331";
    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static final RecordingHooks hooks = new RecordingHooks();
    private static final AtomicReference<String> currentTraceId = new AtomicReference<>();
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    /** What the filter handed to the agent's server-span hooks. */
    static final class Started {
        final String name;
        final Map<String, Object> attributes;
        final String incomingTraceparent;

        Started(String name, Map<String, Object> attributes, String incomingTraceparent) {
            this.name = name;
            this.attributes = attributes;
            this.incomingTraceparent = incomingTraceparent;
        }
    }

    static final class Ended {
        final Map<String, Object> attributes;
        final String errorType;
        final String eventName;
        final Map<String, Object> eventAttributes;

        Ended(Map<String, Object> attributes, String errorType, String eventName, Map<String, Object> eventAttributes) {
            this.attributes = attributes;
            this.errorType = errorType;
            this.eventName = eventName;
            this.eventAttributes = eventAttributes;
        }
    }

    static final class RecordingHooks implements ServerSpanHooks {
        final BlockingQueue<Started> started = new LinkedBlockingQueue<>();
        final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();

        @Override
        public Object[] start(
                String name, Map<String, Object> attributes, String incomingTraceparent, String incomingTracestate) {
            started.add(new Started(name, attributes, incomingTraceparent));
            return new Object[] {"handle", "00-" + TRACE_ID + "-" + SPAN_ID + "-03", null};
        }

        @Override
        public void end(
                Object span,
                Map<String, Object> attributes,
                String errorType,
                String eventName,
                Map<String, Object> eventAttributes) {
            assertThat(span).isEqualTo("handle");
            ended.add(new Ended(attributes, errorType, eventName, eventAttributes));
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        AgentLink.linkTo(RequestBridge.class);
        RequestBridge.installServerSpans(hooks);
        jetty = new GuardedJetty();
        jetty.context(
                "/app",
                Map.of(),
                null,
                Map.of(
                        "/refused",
                                Servlets.of((request, response) -> {
                                    currentTraceId.set(
                                            Span.current().getSpanContext().getTraceId());
                                    throw new ServletException(new ConnectException("Connection refused"));
                                }),
                        "/ok",
                                Servlets.of((request, response) ->
                                        response.getWriter().write("ok"))));
        jetty.start();
    }

    @AfterAll
    static void stopServer() {
        RequestBridge.installServerSpans(null);
        AgentLink.forget();
        jetty.close();
    }

    @BeforeEach
    void clear() {
        hooks.started.clear();
        hooks.ended.clear();
        currentTraceId.set(null);
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void anUpstreamFailureIsAnsweredWithTheAgentsTraceAndRecordedOnItsSpan() throws Exception {
        HttpResponse<String> response =
                jetty.get("/app/refused", "traceparent", CALLER, "User-Agent", "agent-made-test");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"traceId\":\"" + TRACE_ID + "\"");
        assertThat(response.headers().firstValue("traceresponse")).hasValue("00-" + TRACE_ID + "-" + SPAN_ID + "-03");
        assertThat(currentTraceId.get())
                .as("the application's API sees the agent's span")
                .isEqualTo(TRACE_ID);

        Started started = hooks.started.poll(10, TimeUnit.SECONDS);
        assertThat(started).isNotNull();
        assertThat(started.name).isEqualTo("GET");
        assertThat(started.incomingTraceparent).isEqualTo(CALLER);
        assertThat(started.attributes)
                .containsEntry("http.request.method", "GET")
                .containsEntry("url.path", "/app/refused")
                .containsEntry("url.scheme", "http")
                .containsEntry("user_agent.original", "agent-made-test");

        Ended ended = hooks.ended.poll(10, TimeUnit.SECONDS);
        assertThat(ended).isNotNull();
        assertThat(ended.errorType).isEqualTo("java.net.ConnectException");
        assertThat(ended.attributes)
                .containsEntry("upstreamguard.failure", "connect-failure")
                .containsEntry("error.type", "java.net.ConnectException")
                .containsEntry("http.response.status_code", 502L);
        assertThat(ended.eventName).isEqualTo("upstreamguard.upstream_failure");
        assertThat(ended.eventAttributes)
                .containsEntry("upstreamguard.failure", "connect-failure")
                .containsEntry("error.type", "java.net.ConnectException")
                .doesNotContainKey("http.response.status_code");
        assertThat(hooks.ended.poll(200, TimeUnit.MILLISECONDS))
                .as("ended once")
                .isNull();
        assertThat(log.messages()).singleElement().asString().contains("traceId=" + TRACE_ID);
    }

    @Test
    void aSuccessfulRequestEndsTheAgentsSpanWithoutAnError() throws Exception {
        HttpResponse<String> response = jetty.get("/app/ok");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(hooks.started.poll(10, TimeUnit.SECONDS)).isNotNull();
        Ended ended = hooks.ended.poll(10, TimeUnit.SECONDS);
        assertThat(ended).isNotNull();
        assertThat(ended.errorType).isNull();
        assertThat(ended.eventName).isNull();
        assertThat(ended.attributes)
                .containsEntry("http.response.status_code", 200L)
                .doesNotContainKey("error.type");
    }
}
