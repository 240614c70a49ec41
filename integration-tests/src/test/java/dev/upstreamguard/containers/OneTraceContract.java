package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedEvent;
import dev.upstreamguard.testing.ReceivedSpan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The one-trace check, written once for every way the shop runs: a request whose upstream keeps failing
 * gets the clean 502 with trace id T, and the receiver holds, in trace T, one SERVER span that names the
 * failed dependency, how it failed and after how many attempts, and under it every CLIENT attempt. Each
 * subclass starts the shop its way (a flat class path, a WAR in Tomcat or Jetty) once for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneTraceContract {
    static final String FILTER_SCOPE = "dev.upstreamguard.filter";
    static final String AGENT_SCOPE = "dev.upstreamguard.agent";

    OtlpReceiver receiver;
    Shop shop;
    private final List<FaultyUpstream> upstreams = new ArrayList<>();

    /** Starts the shop with the agent, exporting to {@code receiver}; it answers when this returns. */
    abstract Shop startShop(OtlpReceiver receiver) throws Exception;

    /**
     * The instrumentation scope of the request's SERVER span: the filter's own ({@value #FILTER_SCOPE}) when the
     * application has an SDK, the agent's ({@value #AGENT_SCOPE}) when the agent records it for an application
     * that has only the API.
     */
    abstract String serverSpanScope();

    @BeforeAll
    void startShop() throws Exception {
        receiver = OtlpReceiver.start();
        shop = startShop(receiver);
    }

    @AfterAll
    void stopShop() {
        try {
            if (shop != null) {
                shop.close();
            }
        } finally {
            receiver.close();
        }
    }

    @AfterEach
    void closeUpstreams() {
        upstreams.forEach(FaultyUpstream::close);
        upstreams.clear();
    }

    FaultyUpstream upstream() {
        FaultyUpstream upstream = FaultyUpstream.start();
        upstreams.add(upstream);
        return upstream;
    }

    @Test
    void anUpstreamAnswering503IsOneTraceFromTheServerSpanToEveryAttempt() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));

        Answer answer = Answer.get(shop, "/call/urlconnection", upstream.url("/stock"), null);

        Trace trace = checkOneTrace(answer, 502, "status", 3, upstream.hostPort());
        assertThat(trace.attempts()).allSatisfy(attempt -> {
            assertThat(attempt.longAttr("http.response.status_code")).isEqualTo(503L);
            assertThat(attempt.attr("error.type")).isEqualTo("503");
            assertThat(attempt.attr("upstreamguard.dependency")).isEqualTo(upstream.hostPort());
        });
        assertThat(upstream.hits()).isEqualTo(3);
    }

    @Test
    void attemptsOfSendAsyncStartedOnTheRequestThreadAreChildrenOfTheServerSpan() {
        FaultyUpstream upstream = upstream().otherwise(Fault.status(503));

        Answer answer = Answer.get(shop, "/call/httpclient-async", upstream.url("/stock"), null);

        checkOneTrace(answer, 502, "status", 3, upstream.hostPort());
    }

    /**
     * Checks the answer and the trace it names, and returns the trace.
     *
     * @param failedDependency what the server span names as {@code upstreamguard.failed.dependency}
     */
    Trace checkOneTrace(Answer answer, int status, String failure, int attempts, String failedDependency) {
        assertThat(answer.status()).as("%s\n%s", answer, shop.output()).isEqualTo(status);
        assertThat(answer.contentType()).as("%s", answer).startsWith("application/problem+json");
        assertThat(answer.member("failure")).as("%s", answer).isEqualTo(failure);
        String traceId = answer.member("traceId");
        assertThat(traceId).as("traceId in %s", answer).matches("[0-9a-f]{32}");
        assertThat(answer.traceresponse()).as("%s", answer).startsWith("00-" + traceId + "-");

        Trace trace = Trace.await(receiver, traceId, attempts);
        String shape = trace.describe();
        System.out.println(getClass().getSimpleName() + ": " + answer + "\n" + shape);

        assertThat(trace.serverSpans()).as(shape).hasSize(1);
        ReceivedSpan server = trace.serverSpans().get(0);
        assertThat(server.scopeName()).as(shape).isEqualTo(serverSpanScope());
        // The flags are the span's: 01 sampled, or 03 when the SDK also marks the trace id random (W3C level 2).
        assertThat(answer.traceresponse()).matches("00-" + traceId + "-" + server.spanId() + "-0[13]");
        assertThat(server.statusCode()).as(shape).isEqualTo("ERROR");
        assertThat(server.attr("upstreamguard.failure")).as(shape).isEqualTo(failure);
        assertThat(server.longAttr("upstreamguard.attempts")).as(shape).isEqualTo((long) attempts);
        assertThat(server.attr("upstreamguard.failed.dependency")).as(shape).isEqualTo(failedDependency);
        assertThat(server.longAttr("http.response.status_code")).as(shape).isEqualTo((long) status);
        assertThat(server.events())
                .extracting(ReceivedEvent::name)
                .as(shape)
                .contains("upstreamguard.upstream_failure");
        ReceivedEvent event = server.events().stream()
                .filter(e -> e.name().equals("upstreamguard.upstream_failure"))
                .findFirst()
                .orElseThrow();
        assertThat(event.attr("upstreamguard.failure")).isEqualTo(failure);
        assertThat(event.attr("upstreamguard.failed.dependency")).isEqualTo(failedDependency);

        List<ReceivedSpan> clientAttempts = trace.attempts();
        assertThat(clientAttempts).as(shape).hasSize(attempts);
        for (int i = 0; i < attempts; i++) {
            ReceivedSpan attempt = clientAttempts.get(i);
            assertThat(attempt.parentSpanId())
                    .as("parent of attempt %d\n%s", i + 1, shape)
                    .isEqualTo(server.spanId());
            assertThat(attempt.longAttr("upstreamguard.attempt")).isEqualTo(i + 1L);
            assertThat(attempt.attr("upstreamguard.failure")).as(shape).isEqualTo(failure);
            assertThat(attempt.statusCode()).as(shape).isEqualTo("ERROR");
            assertThat(attempt.resource().get("service.name")).isEqualTo(Settings.SERVICE_NAME);
        }
        assertThat(clientAttempts.get(attempts - 1).attr("upstreamguard.outcome"))
                .as(shape)
                .isEqualTo("exhausted");
        return trace;
    }
}
