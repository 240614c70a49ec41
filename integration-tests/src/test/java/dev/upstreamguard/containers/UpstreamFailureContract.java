package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Ports;
import dev.upstreamguard.testing.ReceivedSpan;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The one-trace check and the rest of what a user sees, for the three ways that must each pass: every
 * failure kind answered right with the trace id, an incoming traceparent continued, a named dependency
 * named, the application's own bug left alone, and a success traced the same way.
 */
abstract class UpstreamFailureContract extends OneTraceContract {
    private static final String INCOMING_SPAN_ID = "00f067aa0ba902b7";

    /** A fresh caller's trace id per test, so that each test's trace is its own at the receiver. */
    private static String newTraceId() {
        return HexFormat.of()
                .formatHex(ByteBuffer.allocate(16)
                        .putLong(ThreadLocalRandom.current().nextLong())
                        .putLong(System.nanoTime() | 1)
                        .array());
    }

    private static String incoming(String traceId) {
        return "00-" + traceId + "-" + INCOMING_SPAN_ID + "-01";
    }

    @Test
    void aRefusedConnectionIsA502ConnectFailure() {
        int port = Ports.refusedPort();

        Answer answer = Answer.get(shop, "/call/httpclient", "http://127.0.0.1:" + port + "/stock", null);

        checkOneTrace(answer, 502, "connect-failure", 3, "127.0.0.1:" + port);
    }

    @Test
    void aHeadSlowerThanTheReadTimeoutIsA504Timeout() {
        FaultyUpstream upstream = upstream().otherwise(Fault.slowHead(Duration.ofSeconds(5)));

        Answer answer = Answer.get(shop, "/call/urlconnection", upstream.url("/stock"), null);

        Trace trace = checkOneTrace(answer, 504, "timeout", 3, upstream.hostPort());
        assertThat(trace.attempts())
                .allSatisfy(a -> assertThat(a.attr("error.type")).isEqualTo("timeout"));
    }

    @Test
    void theCallersTraceparentIsContinued() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));
        String callerTraceId = newTraceId();

        Answer answer = Answer.get(shop, "/call/httpclient", upstream.url("/stock"), incoming(callerTraceId));

        assertThat(answer.member("traceId")).as("%s", answer).isEqualTo(callerTraceId);
        Trace trace = checkOneTrace(answer, 502, "status", 3, upstream.hostPort());
        assertThat(trace.serverSpans().get(0).parentSpanId()).isEqualTo(INCOMING_SPAN_ID);
        // Each attempt carried its own traceparent to the upstream, in the same trace.
        assertThat(upstream.requests())
                .allSatisfy(r -> assertThat(r.header("traceparent")).startsWith("00-" + callerTraceId));
    }

    @Test
    void aNamedDependencyIsNamedInTheBodyAndOnTheServerSpan() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));

        Answer answer = Answer.get(shop, "/call/httpclient", "http://localhost:" + upstream.port() + "/stock", null);

        assertThat(answer.member("dependency")).as("%s", answer).isEqualTo(Settings.NAMED_DEPENDENCY);
        Trace trace = checkOneTrace(answer, 502, "status", 3, Settings.NAMED_DEPENDENCY);
        assertThat(trace.attempts())
                .allSatisfy(a -> assertThat(a.attr("peer.service")).isEqualTo(Settings.NAMED_DEPENDENCY));
    }

    @Test
    void theApplicationsOwnBugStaysA500() {
        Answer answer = Answer.get(shop, "/bug", null, null);

        assertThat(answer.status()).as("%s", answer).isEqualTo(500);
        assertThat(answer.contentType()).doesNotStartWith("application/problem+json");
        assertThat(answer.body()).doesNotContain("upstreamguard.dev/problems").doesNotContain("\"traceId\"");
    }

    @Test
    void aSuccessIsOneTraceToo() {
        FaultyUpstream upstream = upstream().enqueue(Fault.status(503)).otherwise(Fault.ok("42 in stock"));
        String callerTraceId = newTraceId();

        Answer answer = Answer.get(shop, "/call/urlconnection", upstream.url("/stock"), incoming(callerTraceId));

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("upstream answered 200: 42 in stock");
        Trace trace = Trace.await(receiver, callerTraceId, 2);
        String shape = trace.describe();
        ReceivedSpan server = trace.serverSpans().stream()
                .filter(s -> s.parentSpanId().equals(INCOMING_SPAN_ID))
                .filter(s -> Long.valueOf(200).equals(s.longAttr("http.response.status_code")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 200 server span under the caller's\n" + shape));
        assertThat(server.statusCode()).isNotEqualTo("ERROR");
        assertThat(server.hasAttr("upstreamguard.failure")).isFalse();
        assertThat(trace.attempts())
                .filteredOn(a -> a.parentSpanId().equals(server.spanId()))
                .as(shape)
                .extracting(a -> a.attr("upstreamguard.outcome"))
                .contains("success");
    }
}
