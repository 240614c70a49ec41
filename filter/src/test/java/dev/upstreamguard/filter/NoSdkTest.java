package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import jakarta.servlet.ServletException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No OpenTelemetry SDK anywhere (no servlet context attribute, no global) and no agent: every problem
 * answer still carries a trace id and a {@code traceresponse} (sampled flag {@code 00}), the caller's valid
 * trace continued or a fresh random one, and the log line names the same id.
 */
class NoSdkTest {
    private static final String CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Pattern TRACE_ID_MEMBER = Pattern.compile("\"traceId\":\"([0-9a-f]{32})\"");
    private static final Pattern TRACERESPONSE = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-00");
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    @BeforeAll
    static void startServer() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        jetty = new GuardedJetty();
        jetty.context("/app", Map.of(), null, Map.of("/refused", Servlets.of((request, response) -> {
            throw new ServletException(new ConnectException("Connection refused"));
        })));
        jetty.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        jetty.close();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    /** The trace id of the answer, checked to be the same in body, traceresponse and log line. */
    private String answeredTraceId(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(502);
        Matcher body = TRACE_ID_MEMBER.matcher(response.body());
        assertThat(body.find()).as(response.body()).isTrue();
        String traceId = body.group(1);
        String traceresponse = response.headers().firstValue("traceresponse").orElseThrow();
        Matcher header = TRACERESPONSE.matcher(traceresponse);
        assertThat(header.matches()).as(traceresponse).isTrue();
        assertThat(header.group(1)).isEqualTo(traceId);
        assertThat(header.group(2)).isNotEqualTo("0000000000000000");
        assertThat(traceId).isNotEqualTo("00000000000000000000000000000000");
        assertThat(log.messages()).singleElement().asString().contains("traceId=" + traceId);
        log.clear();
        return traceId;
    }

    @Test
    void answersWithAFreshTraceIdWhenTheCallerSentNone() throws Exception {
        HttpResponse<String> first = jetty.get("/app/refused");
        String firstId = answeredTraceId(first);
        String secondId = answeredTraceId(jetty.get("/app/refused"));

        assertThat(first.body())
                .isEqualTo("{\"type\":\"https://upstreamguard.dev/problems/upstream-failure\","
                        + "\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"An upstream service could not be reached.\","
                        + "\"instance\":\"/app/refused\",\"traceId\":\"" + firstId
                        + "\",\"failure\":\"connect-failure\"}");
        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(GlobalOpenTelemetry.isSet())
                .as("the filter must not lock the global instance")
                .isFalse();
    }

    @Test
    void continuesTheCallersValidTraceparent() throws Exception {
        HttpResponse<String> response =
                jetty.get("/app/refused", "traceparent", "00-" + CALLER_TRACE_ID + "-00f067aa0ba902b7-01");

        assertThat(answeredTraceId(response)).isEqualTo(CALLER_TRACE_ID);
        assertThat(response.headers().firstValue("traceresponse").orElseThrow())
                .doesNotContain("00f067aa0ba902b7")
                .endsWith("-00");
    }

    @Test
    void continuesALaterVersionWithMoreFields() throws Exception {
        HttpResponse<String> response = jetty.get(
                "/app/refused", "traceparent", "cc-" + CALLER_TRACE_ID + "-00f067aa0ba902b7-01-what-comes-later");

        assertThat(answeredTraceId(response)).isEqualTo(CALLER_TRACE_ID);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // version 00 with more
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // short flags
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",
                "garbage"
            })
    void makesAFreshTraceIdForAnInvalidTraceparent(String traceparent) throws Exception {
        String traceId = answeredTraceId(jetty.get("/app/refused", "traceparent", traceparent));

        assertThat(traceId).isNotEqualTo(CALLER_TRACE_ID).isNotEqualTo(CALLER_TRACE_ID.toUpperCase());
    }

    @Test
    void makesAFreshTraceIdWhenTheCallerSentTwoTraceparents() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(jetty.uri("/app/refused"))
                .timeout(Duration.ofSeconds(20))
                .header("traceparent", "00-" + CALLER_TRACE_ID + "-00f067aa0ba902b7-01")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .GET()
                .build();

        String traceId = answeredTraceId(jetty.client().send(request, HttpResponse.BodyHandlers.ofString()));

        assertThat(traceId).isNotIn(CALLER_TRACE_ID, "0af7651916cd43dd8448eb211c80319c");
    }
}
