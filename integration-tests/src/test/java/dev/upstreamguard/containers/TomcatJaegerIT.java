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
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The storefront WAR in a real Apache Tomcat 11 with the agent, its traces checked in a real Jaeger; and,
 * once for all containers, what takes more than one request: two guarded services seen as an edge in
 * Jaeger's dependencies, and the agent's exporter when Jaeger goes away and comes back.
 */
class TomcatJaegerIT extends JaegerContract {
    static final String PRICING = "pricing";
    private static final int REQUESTS_PER_PHASE = 40;
    private static final int MAX_REQUESTS_PER_PHASE = 1000;
    private static final Duration OUTAGE = Duration.ofSeconds(12);
    private static final String AGENT_EXPORT_LINE = "[upstream-guard] OpenTelemetry:";

    private FlatShop pricing;

    @Override
    Shop startStorefront(String name, List<String> options) throws IOException {
        return TomcatShop.start(
                name, TomcatShop.ApiLayout.IN_WAR, Settings.storefrontWar(), "storefront", "/product/ready", options);
    }

    /** {@code pricing} is a second guarded service (the sample shop with the agent), in front of a warehouse. */
    @Override
    String startPricing() {
        FaultyUpstream warehouse = remember(FaultyUpstream.start().otherwise(Fault.ok("19.90")));
        List<String> options = new ArrayList<>(
                Settings.systemProperties(jaeger.otlpEndpoint(), PRICING, "warehouse=" + warehouse.hostPort()));
        options.add("-Dshop.warehouse.url=http://" + warehouse.hostPort());
        pricing = remember(FlatShop.startAtRoot(options));
        return pricing.base().toString();
    }

    @Test
    @Order(10)
    void twoGuardedServicesCallingEachOtherAreAnEdgeInJaegersDependencies() {
        String traceId = newTraceId();

        Answer answer = Answer.get(storefront, "/product/p-3", null, "00-" + traceId + "-00f067aa0ba902b7-01");

        assertThat(answer.status())
                .as("%s\n%s\n%s", answer, storefront.output(), pricing.output())
                .isEqualTo(200);
        JaegerTrace trace = jaeger.awaitTrace(
                traceId,
                t -> t.ofKind("SERVER").size() >= 2 && t.ofKind("CLIENT").size() >= 3,
                TRACE_WAIT);
        String shape = trace.describe();
        JaegerSpan pricingServer = trace.ofKind("SERVER").stream()
                .filter(s -> PRICING.equals(s.serviceName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no SERVER span of pricing\n" + shape));
        JaegerSpan call = trace.span(pricingServer.parentSpanId());
        assertThat(call).as("the parent of pricing's SERVER span\n%s", shape).isNotNull();
        assertThat(call.serviceName()).as(shape).isEqualTo(SERVICE);
        assertThat(call.kind()).as(shape).isEqualTo("CLIENT");
        assertThat(call.tag("peer.service")).as(shape).isEqualTo(PRICING);

        List<Map<String, Object>> edges = jaeger.dependencies(Duration.ofHours(1));
        System.out.println(getClass().getSimpleName() + ": " + shape + "\nGET /api/dependencies: " + edges);
        assertThat(edges).as("Jaeger's dependencies").anySatisfy(edge -> {
            assertThat(edge.get("parent")).isEqualTo(SERVICE);
            assertThat(edge.get("child")).isEqualTo(PRICING);
            assertThat((Long) edge.get("callCount")).isPositive();
        });
    }

    @Test
    @Order(20)
    void jaegerStoppedInTheMiddleOfTrafficThenRestartedLeavesTheCallsAloneAndGetsTheSpansAfter() {
        String logBefore = storefront.output();
        long exportLinesBefore = exportLines(logBefore);

        Phase up = drive("Jaeger up", Duration.ZERO);
        long pid = jaeger.pid();
        jaeger.stop();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        // Longer than the exporter's retries of one export (5 attempts, about 8 s of backoff at most): some fail.
        Phase stopped = drive("Jaeger stopped", OUTAGE);
        jaeger.restart();
        Phase restarted = drive("Jaeger restarted", Duration.ZERO);

        // A request made after the restart: its spans, storefront's and pricing's, arrive.
        String last = restarted.traceIds.get(restarted.traceIds.size() - 1);
        JaegerTrace trace = jaeger.awaitTrace(
                last, t -> t.ofKind("SERVER").size() >= 2 && t.ofKind("CLIENT").size() >= 3, Duration.ofSeconds(60));
        String log = storefront.output();
        System.out.println(getClass().getSimpleName() + " (exporter resilience):\n  " + up + "\n  " + stopped
                + "\n  " + restarted + "\n  after the restart: " + trace.describe()
                + "\n  the storefront's log lines about exports: "
                + log.lines().filter(l -> l.contains(AGENT_EXPORT_LINE)).toList()
                + "\n  requests made while Jaeger was stopped whose storefront spans (3) Jaeger got after its restart: "
                + stopped.traceIds.stream().filter(this::storefrontSpansArrived).count() + " of "
                + stopped.traceIds.size());

        for (Phase phase : List.of(up, stopped, restarted)) {
            assertThat(phase.statuses).as(phase.toString()).containsOnly(200);
        }
        // Unaffected: the exporter's failures stay on its own thread. Generous slack for a loaded machine.
        assertThat(stopped.percentile(99)).as("%s against %s", stopped, up).isLessThan(up.percentile(99) + 1000);
        // One line, however many exports failed; no stack trace.
        assertThat(exportLines(log) - exportLinesBefore).as(log).isEqualTo(1);
        assertThat(log.substring(Math.min(log.length(), logBefore.length()))).doesNotContain("\tat ");
    }

    /** Whether Jaeger has the storefront's SERVER span and its two CLIENT spans of this trace. */
    private boolean storefrontSpansArrived(String traceId) {
        Jaeger.Answer answer = jaeger.get("/api/traces/" + traceId);
        return answer.status() == 200
                && JaegerTrace.parse(traceId, answer.body()).spans().stream()
                                .filter(span -> SERVICE.equals(span.serviceName()))
                                .count()
                        == 3;
    }

    private static long exportLines(String log) {
        return log.lines().filter(l -> l.contains(AGENT_EXPORT_LINE)).count();
    }

    /**
     * Requests one after the other, 25 ms apart, each with a trace id of its own: at least {@value
     * #REQUESTS_PER_PHASE} and for at least {@code atLeast}, at most {@value #MAX_REQUESTS_PER_PHASE}.
     */
    private Phase drive(String name, Duration atLeast) {
        Phase phase = new Phase(name);
        long begin = System.nanoTime();
        for (int i = 0;
                i < MAX_REQUESTS_PER_PHASE && (i < REQUESTS_PER_PHASE || System.nanoTime() - begin < atLeast.toNanos());
                i++) {
            String traceId = newTraceId();
            long start = System.nanoTime();
            Answer answer = Answer.get(storefront, "/product/p-" + i, null, "00-" + traceId + "-00f067aa0ba902b7-01");
            phase.millis.add((System.nanoTime() - start) / 1_000_000);
            phase.statuses.add(answer.status());
            phase.traceIds.add(traceId);
            sleep(25);
        }
        return phase;
    }

    private static String newTraceId() {
        return HexFormat.of()
                .formatHex(ByteBuffer.allocate(16)
                        .putLong(ThreadLocalRandom.current().nextLong())
                        .putLong(System.nanoTime() | 1)
                        .array());
    }

    /** What the storefront's callers saw in one phase. */
    private static final class Phase {
        final String name;
        final List<Long> millis = new ArrayList<>();
        final List<Integer> statuses = new ArrayList<>();
        final List<String> traceIds = new ArrayList<>();

        Phase(String name) {
            this.name = name;
        }

        long percentile(int p) {
            List<Long> sorted = millis.stream().sorted().toList();
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
        }

        @Override
        public String toString() {
            long ok = statuses.stream().filter(s -> s == 200).count();
            return String.format(
                    Locale.ROOT,
                    "%-16s %d/%d answered 200, p50 %d ms, p99 %d ms, max %d ms",
                    name + ":",
                    ok,
                    statuses.size(),
                    percentile(50),
                    percentile(99),
                    percentile(100));
        }
    }
}
