package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.UpstreamUnavailableException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call the agent rejected without sending it (breaker open, concurrency limit): 503 (or the
 * {@code unavailable-status}) with {@code Retry-After}, and a quiet log. In Jetty 12; Tomcat in
 * {@link TomcatFailuresTest}.
 */
class UnavailableAnswerTest {
    private static final Spans spans = new Spans();
    private static GuardedJetty jetty;
    private final CapturedLog log = new CapturedLog();

    private static Map<String, HttpServlet> servlets() {
        return Map.of(
                "/open",
                        Servlets.of((request, response) -> {
                            throw new ServletException(
                                    "inventory lookup failed", new UpstreamUnavailableException("circuit-open", 4_200));
                        }),
                "/limit",
                        Servlets.of((request, response) -> {
                            throw new UpstreamUnavailableException("concurrency-limit", 0);
                        }));
    }

    @BeforeAll
    static void startServer() throws Exception {
        jetty = new GuardedJetty();
        jetty.context("/app", Map.of(), spans.sdk, servlets());
        jetty.context(
                "/custom",
                new UpstreamGuardFilter(),
                Map.of("unavailable-status", "529"),
                spans.sdk,
                servlets(),
                EnumSet.of(DispatcherType.REQUEST));
        jetty.start();
    }

    @AfterAll
    static void stopServer() {
        jetty.close();
        spans.close();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void anOpenBreakerIsAnswered503WithRetryAfterUntilTheNextProbe() throws Exception {
        HttpResponse<String> response = jetty.get("/app/open");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("\"title\":\"Service Unavailable\"", "\"status\":503", "\"failure\":\"circuit-open\"")
                .doesNotContain("inventory lookup failed");
    }

    @Test
    void aFullConcurrencyLimitIsAnswered503WithAtLeastOneSecond() throws Exception {
        HttpResponse<String> response = jetty.get("/app/limit");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(response.body()).contains("\"failure\":\"concurrency-limit\"");
    }

    @Test
    void theUnavailableStatusInitParamChangesTheStatus() throws Exception {
        HttpResponse<String> response = jetty.get("/custom/open");

        assertThat(response.statusCode()).isEqualTo(529);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    }

    @Test
    void rejectionsAreLoggedAtMostOnceADependencyEveryTenSeconds() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(jetty.get("/app/open").statusCode()).isEqualTo(503);
        }
        long lines = log.records().stream()
                .map(LogRecord::getMessage)
                .filter(m -> m.contains("circuit-open"))
                .count();
        assertThat(lines).isLessThanOrEqualTo(1); // another test of this class may have written it already
        assertThat(log.messages()).noneMatch(m -> m.startsWith("Upstream failure: circuit-open"));
    }

    @Test
    void aBadUnavailableStatusFailsInitNamingItsValue() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> FilterSettings.parse(
                java.util.List.of("unavailable-status"), name -> name.equals("unavailable-status") ? "200" : null));

        assertThat(thrown)
                .hasMessage("init-param unavailable-status: \"200\" is not a server error status (expected a"
                        + " number from 500 to 599, e.g. 503)");
    }
}
