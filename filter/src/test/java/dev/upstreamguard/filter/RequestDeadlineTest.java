package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.RequestScope;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter hands the request's deadline to the agent through the request scope, in a real Jetty with the
 * agent's real bridge classes: the servlet reports what a guarded call made on its thread would see.
 */
class RequestDeadlineTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    @BeforeAll
    static void startServer() throws Exception {
        AgentLink.linkTo(RequestBridge.class);
        jetty = new GuardedJetty();
        jetty.context("/traced", Map.of(), spans.sdk, Map.of("/left", LEFT));
        jetty.context("/untraced", Map.of(), null, Map.of("/left", LEFT));
        jetty.context("/timed", Map.of("request-timeout", "2s"), spans.sdk, Map.of("/left", LEFT));
        jetty.start();
    }

    @AfterAll
    static void stopServer() {
        AgentLink.forget();
        jetty.close();
        spans.close();
    }

    @BeforeEach
    void logAfresh() {
        InboundDeadline.forgetLogged();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    /** Answers the milliseconds left of the request's deadline as the agent reads it, or "none". */
    private static final HttpServlet LEFT = Servlets.of((request, response) -> {
        RequestScope scope = RequestBridge.current();
        if (scope == null || !scope.hasDeadline()) {
            response.getWriter().write("none");
            return;
        }
        response.getWriter().write(Long.toString((scope.deadlineNanos() - System.nanoTime()) / 1_000_000L));
    });

    private static String left(String path, String... headers) throws Exception {
        HttpResponse<String> response = jetty.get(path, headers);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Milliseconds left as the servlet saw them: at most the timeout, and not more than a loaded machine's lag less. */
    private static void assertLeft(String body, long timeoutMillis) {
        assertThat(Long.parseLong(body)).isLessThanOrEqualTo(timeoutMillis).isGreaterThan(timeoutMillis - 1_500);
    }

    @Test
    void xRequestTimeoutMsGivesTheRequestADeadline() throws Exception {
        assertLeft(left("/traced/left", "X-Request-Timeout-Ms", "5000"), 5_000);
    }

    @Test
    void grpcTimeoutGivesTheRequestADeadline() throws Exception {
        assertLeft(left("/traced/left", "grpc-timeout", "4S"), 4_000);
        assertLeft(left("/traced/left", "grpc-timeout", "4000000u"), 4_000);
    }

    @Test
    void aRequestWithoutATraceStillGetsItsDeadline() throws Exception {
        assertLeft(left("/untraced/left", "X-Request-Timeout-Ms", "5000"), 5_000);
    }

    @Test
    void theInitParamIsEveryRequestsDeadlineAndAShorterHeaderWins() throws Exception {
        assertLeft(left("/timed/left"), 2_000);
        assertLeft(left("/timed/left", "X-Request-Timeout-Ms", "60000"), 2_000);
        assertLeft(left("/timed/left", "grpc-timeout", "1S"), 1_000);
    }

    @Test
    void withoutAnyOfThemTheRequestHasNoDeadline() throws Exception {
        assertThat(left("/traced/left")).isEqualTo("none");
        assertThat(left("/untraced/left")).isEqualTo("none");
        assertThat(log.records()).isEmpty();
    }

    @ParameterizedTest(name = "X-Request-Timeout-Ms: \"{0}\"")
    @ValueSource(strings = {"-500", "0", "abc", "123456789", "99999999", "500, 600"})
    void badHeadersAreIgnoredWithoutErrorOrALineEach(String value) throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(left("/traced/left", "X-Request-Timeout-Ms", value)).isEqualTo("none");
            assertThat(left("/traced/left", "grpc-timeout", value + "Q")).isEqualTo("none");
        }
        assertThat(left("/traced/left", "X-Request-Timeout-Ms", "500", "X-Request-Timeout-Ms", "500"))
                .isEqualTo("none");
        assertThat(log.records()).hasSize(1);
    }
}
