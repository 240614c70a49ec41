package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What filters mapped in front of ours set or wrap, in a real Jetty: security headers, a failing response. */
class FiltersInFrontTest {
    private static final Spans spans = new Spans();
    private static final AtomicReference<Throwable> seenInFront = new AtomicReference<>();
    private static GuardedJetty jetty;

    /** Sets the security headers that Spring Security or a container's header filter set on every answer. */
    private static final Filter SECURITY_HEADERS = (request, response, chain) -> {
        HttpServletResponse http = (HttpServletResponse) response;
        http.setHeader("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains");
        http.setHeader("Content-Security-Policy", "default-src 'none'");
        http.setHeader("X-Content-Type-Options", "nosniff");
        http.setHeader("X-Frame-Options", "DENY");
        http.setHeader("Referrer-Policy", "no-referrer");
        http.setHeader("Access-Control-Allow-Origin", "https://shop.example");
        chain.doFilter(request, response);
    };

    /** Hands on a response whose reset() fails, and keeps what the chain throws back. */
    private static final Filter RESET_FAILS = (request, response, chain) -> {
        try {
            chain.doFilter(request, new HttpServletResponseWrapper((HttpServletResponse) response) {
                @Override
                public void reset() {
                    throw new UnsupportedOperationException("this response cannot be reset");
                }
            });
        } catch (ServletException | RuntimeException e) {
            seenInFront.set(e);
            throw e;
        }
    };

    @BeforeAll
    static void startServer() throws Exception {
        jetty = new GuardedJetty();
        Map<String, jakarta.servlet.http.HttpServlet> servlets = Map.of("/refused", Servlets.of((request, response) -> {
            response.setHeader("X-App", "set before the failure");
            throw new ServletException("inventory lookup failed", new ConnectException("Connection refused"));
        }));
        EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
        jetty.context("/secured", SECURITY_HEADERS, new UpstreamGuardFilter(), Map.of(), spans.sdk, servlets, requests);
        jetty.context("/broken", RESET_FAILS, new UpstreamGuardFilter(), Map.of(), spans.sdk, servlets, requests);
        jetty.start();
    }

    @AfterAll
    static void stopServer() {
        jetty.close();
        spans.close();
    }

    @Test
    void securityHeadersSetByAnEarlierFilterSurviveTheProblemAnswer() throws Exception {
        HttpResponse<String> response = jetty.get("/secured/refused");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=31536000 ; includeSubDomains");
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
        // What the application set is still replaced.
        assertThat(response.headers().firstValue("X-App")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().allValues("X-Frame-Options")).hasSize(1);
    }

    @Test
    void whenAnsweringFailsTheApplicationsExceptionGoesOnWithOursSuppressed() throws Exception {
        HttpResponse<String> response = jetty.get("/broken/refused");

        assertThat(response.statusCode()).isEqualTo(500);
        Throwable thrown = seenInFront.get();
        assertThat(thrown)
                .isInstanceOf(ServletException.class)
                .hasMessage("inventory lookup failed")
                .hasCauseInstanceOf(ConnectException.class);
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(UnsupportedOperationException.class);
    }
}
