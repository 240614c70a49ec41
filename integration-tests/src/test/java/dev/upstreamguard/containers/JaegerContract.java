package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Jaeger;
import dev.upstreamguard.testing.JaegerSpan;
import dev.upstreamguard.testing.JaegerTrace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The trace a user opens in Jaeger, checked in a real Jaeger ({@code tools/jaeger/build.sh}; in-memory
 * storage, on 127.0.0.1): the sample storefront's WAR runs in a real container with the agent exporting to
 * Jaeger's OTLP/HTTP endpoint, and every assertion reads Jaeger's query API ({@code /api/traces/{traceId}},
 * {@code /api/services}), the API its web UI reads. Each subclass deploys the storefront in its container
 * once for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class JaegerContract {
    static final String SERVICE = "storefront";
    static final String INVENTORY = "inventory";
    static final Duration TRACE_WAIT = Duration.ofSeconds(30);
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    Jaeger jaeger;
    FaultyUpstream inventory;
    Shop storefront;
    final List<AutoCloseable> started = new ArrayList<>();

    /** Deploys the storefront WAR with these JVM options; it answers {@code GET /product/ready} when this returns. */
    abstract Shop startStorefront(String name, List<String> options) throws IOException;

    /** The storefront's {@code pricing}: a healthy upstream here; a subclass may put a guarded service there. */
    String startPricing() {
        FaultyUpstream pricing = remember(FaultyUpstream.start().otherwise(Fault.ok("19.90")));
        return "http://" + pricing.hostPort();
    }

    <T extends AutoCloseable> T remember(T resource) {
        started.add(resource);
        return resource;
    }

    @BeforeAll
    void startJaegerAndStorefront() throws IOException {
        jaeger = remember(
                Jaeger.start(JaegerBinary.require(), Settings.workDir(getClass().getSimpleName() + "-jaeger")));
        inventory = remember(FaultyUpstream.start().otherwise(Fault.ok("7")));
        String pricing = startPricing();
        List<String> options = new ArrayList<>(Settings.systemProperties(
                jaeger.otlpEndpoint(),
                SERVICE,
                INVENTORY + "=" + inventory.hostPort() + ",pricing=" + pricing.substring("http://".length())));
        options.add("-Dstorefront.inventory.url=http://" + inventory.hostPort());
        options.add("-Dstorefront.pricing.url=" + pricing);
        storefront = remember(startStorefront(getClass().getSimpleName(), options));
    }

    @AfterAll
    void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // stopping the rest anyway
            }
        }
    }

    @BeforeEach
    void healthyInventory() {
        inventory.reset();
        inventory.otherwise(Fault.ok("7"));
    }

    @Test
    @Order(1)
    void aFailedInventoryIsOneTraceInJaegerFromThe502sTraceId() {
        inventory.otherwise(Fault.status(503));

        Answer answer = Answer.get(storefront, "/product/p-1", null, null);

        assertThat(answer.status()).as("%s\n%s", answer, storefront.output()).isEqualTo(502);
        assertThat(answer.member("dependency")).as("%s", answer).isEqualTo(INVENTORY);
        String traceId = answer.member("traceId");
        JaegerTrace trace = awaitFailedTrace(traceId);
        String shape = trace.describe();
        System.out.println(
                getClass().getSimpleName() + ": " + answer + "\n" + shape + "\nJaeger's answer: " + trace.json());

        JaegerSpan server = checkServerSpan(trace, "status");
        assertThat(answer.traceresponse()).as(shape).startsWith("00-" + traceId + "-" + server.spanId() + "-");
        assertThat(server.parentSpanId()).as(shape).isNull();
        assertThat(trace.warnings()).as(shape).isEmpty();
        List<JaegerSpan> attempts = checkAttempts(trace, server);
        assertThat(attempts).as(shape).allSatisfy(attempt -> {
            assertThat(attempt.longTag("http.response.status_code")).isEqualTo(503L);
            assertThat(attempt.tag("error.type")).isEqualTo("503");
        });
        assertThat(inventory.hits()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void aCallersTraceparentIsContinuedInJaeger() {
        inventory.otherwise(Fault.resetBeforeHead());
        String callerTraceId = HexFormat.of()
                .formatHex(ByteBuffer.allocate(16)
                        .putLong(ThreadLocalRandom.current().nextLong())
                        .putLong(System.nanoTime() | 1)
                        .array());

        Answer answer =
                Answer.get(storefront, "/product/p-2", null, "00-" + callerTraceId + "-" + CALLER_SPAN_ID + "-01");

        assertThat(answer.status()).as("%s\n%s", answer, storefront.output()).isEqualTo(502);
        assertThat(answer.member("traceId")).as("%s", answer).isEqualTo(callerTraceId);
        JaegerTrace trace = awaitFailedTrace(callerTraceId);
        String shape = trace.describe();
        System.out.println(getClass().getSimpleName() + ": " + answer + "\n" + shape);

        assertThat(trace.spans())
                .as(shape)
                .allSatisfy(span -> assertThat(span.traceId()).isEqualTo(callerTraceId));
        JaegerSpan server = checkServerSpan(trace, "reset");
        assertThat(server.parentSpanId()).as(shape).isEqualTo(CALLER_SPAN_ID);
        List<JaegerSpan> attempts = checkAttempts(trace, server);
        // No answer came: an error type instead of a status code.
        assertThat(attempts).as(shape).allSatisfy(attempt -> {
            assertThat(attempt.hasTag("http.response.status_code")).isFalse();
            assertThat(attempt.tag("error.type")).isNotBlank();
        });
    }

    @Test
    @Order(3)
    void jaegerListsTheStorefrontAmongItsServices() {
        assertThat(jaeger.services()).contains(SERVICE);
    }

    /** Waits until Jaeger has the SERVER span and three CLIENT attempts of {@code traceId}, then a moment more. */
    JaegerTrace awaitFailedTrace(String traceId) {
        assertThat(traceId).matches("[0-9a-f]{32}");
        jaeger.awaitTrace(
                traceId,
                t -> t.ofKind("SERVER").size() >= 1 && t.ofKind("CLIENT").size() >= 3,
                TRACE_WAIT);
        sleep(500); // five export intervals: a span that must not be there would have come by now
        return jaeger.awaitTrace(traceId, t -> true, TRACE_WAIT);
    }

    /** The one SERVER span, as Jaeger shows it: ERROR, the failed dependency, the failure and the attempts. */
    static JaegerSpan checkServerSpan(JaegerTrace trace, String failure) {
        String shape = trace.describe();
        assertThat(trace.ofKind("SERVER")).as(shape).hasSize(1);
        JaegerSpan server = trace.ofKind("SERVER").get(0);
        assertThat(server.serviceName()).as(shape).isEqualTo(SERVICE);
        assertThat(server.tag("otel.status_code")).as(shape).isEqualTo("ERROR");
        assertThat(server.tags().get("error")).as(shape).isEqualTo(true);
        assertThat(server.tag("upstreamguard.failed.dependency")).as(shape).isEqualTo(INVENTORY);
        assertThat(server.tag("upstreamguard.failure")).as(shape).isEqualTo(failure);
        assertThat(server.longTag("upstreamguard.attempts")).as(shape).isEqualTo(3L);
        assertThat(server.longTag("http.response.status_code")).as(shape).isEqualTo(502L);
        assertThat(server.logNames()).as(shape).contains("upstreamguard.upstream_failure");
        return server;
    }

    /**
     * The three CLIENT attempts, children of {@code server}, in attempt order: each {@code peer.service=inventory},
     * ERROR, and {@code http.request.resend_count} from the second on.
     */
    static List<JaegerSpan> checkAttempts(JaegerTrace trace, JaegerSpan server) {
        String shape = trace.describe();
        List<JaegerSpan> attempts = new ArrayList<>(trace.ofKind("CLIENT"));
        attempts.sort(Comparator.comparing(span -> span.longTag("upstreamguard.attempt")));
        assertThat(attempts).as(shape).hasSize(3);
        for (int i = 0; i < attempts.size(); i++) {
            JaegerSpan attempt = attempts.get(i);
            assertThat(attempt.serviceName()).as(shape).isEqualTo(SERVICE);
            assertThat(attempt.parentSpanId())
                    .as("parent of attempt %d\n%s", i + 1, shape)
                    .isEqualTo(server.spanId());
            assertThat(attempt.longTag("upstreamguard.attempt")).as(shape).isEqualTo(i + 1L);
            assertThat(attempt.tag("peer.service")).as(shape).isEqualTo(INVENTORY);
            assertThat(attempt.tag("otel.status_code")).as(shape).isEqualTo("ERROR");
            if (i == 0) {
                assertThat(attempt.hasTag("http.request.resend_count"))
                        .as(shape)
                        .isFalse();
            } else {
                assertThat(attempt.longTag("http.request.resend_count"))
                        .as(shape)
                        .isEqualTo((long) i);
            }
        }
        assertThat(attempts.get(2).tag("upstreamguard.outcome")).as(shape).isEqualTo("exhausted");
        return attempts;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
