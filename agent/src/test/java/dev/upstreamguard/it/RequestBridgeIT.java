package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's side of the request bridge the servlet filter uses: calls made while a request scope is
 * attached continue its trace and are recorded in it.
 */
class RequestBridgeIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SERVER_SPAN_ID = "00f067aa0ba902b7";

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        Collector.receiver().clear();
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void callsContinueTheFiltersSpanAndTheFailureIsRecorded() throws Exception {
        upstream.otherwise(Fault.status(503));
        Object scope = RequestBridge.open("00-" + TRACE_ID + "-" + SERVER_SPAN_ID + "-01", null);
        Object previous = RequestBridge.attach(scope);
        try {
            assertThat(new UrlConnectionDriver()
                            .call("GET", upstream.url("/stock"), null)
                            .status())
                    .isEqualTo(503);
        } finally {
            RequestBridge.detach(previous);
        }

        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans).allSatisfy(s -> {
            assertThat(s.traceId()).isEqualTo(TRACE_ID);
            assertThat(s.parentSpanId()).isEqualTo(SERVER_SPAN_ID);
        });
        Map<String, Object> failure = RequestBridge.lastFailure(scope);
        assertThat(failure)
                .containsEntry("dependency", upstream.hostPort())
                .containsEntry("named", false)
                .containsEntry("address", upstream.hostPort())
                .containsEntry("failure", "status")
                .containsEntry("attempts", 3)
                .containsEntry("outcome", "exhausted")
                .containsEntry("status", 503);
        assertThat(RequestBridge.current()).isNull();
    }

    @Test
    void asyncCallsStartedOnTheRequestThreadCarryItsScope() throws Exception {
        upstream.otherwise(Fault.status(503));
        Object scope = RequestBridge.open("00-" + TRACE_ID + "-" + SERVER_SPAN_ID + "-01", null);
        Object previous = RequestBridge.attach(scope);
        try {
            // the attempts run on the HttpClient's and OkHttp's own threads
            assertThat(new JdkHttpClientDriver(true)
                            .call("GET", upstream.url("/jdk-async"), null)
                            .status())
                    .isEqualTo(503);
            assertThat(new OkHttpDriver(true)
                            .call("GET", upstream.url("/okhttp-enqueue"), null)
                            .status())
                    .isEqualTo(503);
        } finally {
            RequestBridge.detach(previous);
        }

        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 6);
        assertThat(spans).hasSize(6).allSatisfy(s -> {
            assertThat(s.traceId()).isEqualTo(TRACE_ID);
            assertThat(s.parentSpanId()).isEqualTo(SERVER_SPAN_ID);
        });
        assertThat(RequestBridge.lastFailure(scope))
                .containsEntry("attempts", 3)
                .containsEntry("failure", "status");
    }

    @Test
    void aSuccessfulCallIsRecordedButIsNoFailure() throws Exception {
        upstream.enqueue(Fault.status(502)).otherwise(Fault.ok("ok"));
        Object scope = RequestBridge.open(null, null);
        Object previous = RequestBridge.attach(scope);
        try {
            new JdkHttpClientDriver(true).call("GET", upstream.url("/price"), null);
        } finally {
            RequestBridge.detach(previous);
        }

        assertThat(RequestBridge.lastFailure(scope)).isNull();
    }

    @Test
    void theAgentMakesTheServerSpanWhenTheApplicationHasNoSdk() throws Exception {
        upstream.otherwise(Fault.status(503));
        Object scope = RequestBridge.openWithServerSpan(
                "GET",
                Map.of("http.request.method", "GET", "url.path", "/checkout", "server.port", 8080L),
                "00-" + TRACE_ID + "-" + SERVER_SPAN_ID + "-01",
                null);
        assertThat(scope).isNotNull();
        String serverTraceparent = RequestBridge.traceparent(scope);
        Object previous = RequestBridge.attach(scope);
        try {
            assertThat(new JdkHttpClientDriver(false)
                            .call("GET", "http://localhost:" + upstream.port() + "/stock", null)
                            .status())
                    .isEqualTo(503);
        } finally {
            RequestBridge.detach(previous);
        }
        RequestBridge.endServerSpan(
                scope,
                Map.of("http.response.status_code", 502L, "upstreamguard.failed.dependency", "inventory"),
                "status",
                "upstreamguard.upstream_failure",
                Map.of("upstreamguard.failure", "status"));

        ReceivedSpan server = Collector.receiver()
                .awaitSpans(s -> "SERVER".equals(s.kind()) && TRACE_ID.equals(s.traceId()), 1, Duration.ofSeconds(10))
                .get(0);
        assertThat(server.parentSpanId()).isEqualTo(SERVER_SPAN_ID);
        assertThat(serverTraceparent).isEqualTo("00-" + TRACE_ID + "-" + server.spanId() + "-01");
        assertThat(server.statusCode()).isEqualTo("ERROR");
        assertThat(server.attr("upstreamguard.failed.dependency")).isEqualTo("inventory");
        assertThat(server.events()).extracting(e -> e.name()).containsExactly("upstreamguard.upstream_failure");
        List<ReceivedSpan> attempts = Collector.clientSpans(upstream.port(), upstream.hits());
        assertThat(attempts).hasSizeGreaterThanOrEqualTo(3);
        assertThat(attempts).allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(server.spanId()));
        assertThat(RequestBridge.lastFailure(scope))
                .containsEntry("dependency", "inventory")
                .containsEntry("named", true)
                .containsEntry("failure", "status");
    }
}
