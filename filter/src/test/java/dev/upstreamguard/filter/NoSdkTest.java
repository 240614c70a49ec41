package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import jakarta.servlet.ServletException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No OpenTelemetry SDK anywhere (no servlet context attribute, no global): the responses are the same,
 * without {@code traceId} and {@code traceresponse}, even when the caller sent a traceparent.
 */
class NoSdkTest {
  private static GuardedJetty jetty;
  private final CapturedLog log = new CapturedLog();

  @BeforeAll
  static void startServer() throws Exception {
    GlobalOpenTelemetry.resetForTest();
    jetty = new GuardedJetty();
    jetty.context("/app", Map.of(), null, Map.of("/refused", Servlets.of((request, response) -> {
      throw new ServletException(new ConnectException("Connection refused"));
    }))).getServletContext();
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

  @Test
  void answersWithoutTraceIdOrTraceresponse() throws Exception {
    HttpResponse<String> response = jetty.get("/app/refused");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).isEqualTo("{\"type\":\"https://upstreamguard.dev/problems/upstream-failure\","
        + "\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"An upstream service could not be reached.\","
        + "\"instance\":\"/app/refused\",\"failure\":\"connect-failure\"}");
    assertThat(response.headers().firstValue("traceresponse")).isEmpty();
    assertThat(log.messages()).singleElement().asString().contains("traceId=none");
    assertThat(GlobalOpenTelemetry.isSet()).as("the filter must not lock the global instance").isFalse();
  }

  @Test
  void doesNotEchoTheCallersTraceAsIfItWereOurs() throws Exception {
    HttpResponse<String> response =
        jetty.get("/app/refused", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).doesNotContain("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(response.headers().firstValue("traceresponse")).isEmpty();
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
  }
}
