package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.it.apps.StepsMain;
import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedMetric;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's metrics as a real OTLP receiver gets them from a child JVM: every instrument's name, kind,
 * unit and attributes after a known sequence of calls, with exact counts; bounded cardinality; and the
 * switches that turn them off (or leave them on). The child's last export happens at its exit.
 */
class MetricsIT {

    private static final Path AGENT = Paths.get(System.getProperty("agent.jar"));
    private static final Duration WAIT = Duration.ofSeconds(30);

    private OtlpReceiver otlp;
    private FaultyUpstream shop;
    private FaultyUpstream tight;
    private FaultyUpstream flaky;

    @BeforeEach
    void start() {
        otlp = OtlpReceiver.start();
        shop = FaultyUpstream.start();
        tight = FaultyUpstream.start();
        flaky = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        otlp.close();
        shop.close();
        tight.close();
        flaky.close();
    }

    private ChildJvm app(String... steps) {
        return ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("otel.exporter.otlp.endpoint", otlp.endpoint())
                .sysProp("otel.traces.exporter", "none")
                .sysProp("otel.service.name", "metrics-it")
                .sysProp("jdk.net.hosts.file", System.getProperty("it.test.classes") + "/it/hosts")
                .sysProp("upstreamguard.retry.backoff.initial", "5ms")
                .sysProp("upstreamguard.retry.backoff.max", "10ms")
                .mainClass(StepsMain.class.getName(), steps)
                .timeout(Duration.ofSeconds(120));
    }

    private static Map<String, Object> attrs(Object... keyValues) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void everyInstrumentAfterAKnownSequenceOfCalls() {
        shop.enqueue(Fault.ok("a"), Fault.ok("b"), Fault.ok("c"), Fault.status(503), Fault.status(503))
                .otherwise(Fault.ok("ok"));
        tight.otherwise(Fault.status(503));
        flaky.enqueue(Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503))
                .otherwise(Fault.ok("ok"));

        ChildJvm.Result result = app(
                        "3*" + shop.url("/orders/{i}?user=secret{i}"), // three successes
                        "1*" + shop.url("/orders/retried"), // 503, 503, 200: two retries
                        "1*" + tight.url("/t"), // 503, the budget refuses the retry
                        "4*" + flaky.url("/f/{i}"), // four 503s open the breaker
                        "1*" + flaky.url("/f/rejected"), // rejected without a connection
                        "sleep:3500", // the breaker's open time passes
                        "2*" + flaky.url("/f/probe{i}")) // two probes close it
                .sysProp(
                        "upstreamguard.dependencies",
                        "shop=" + shop.hostPort() + ",tight=" + tight.hostPort() + ",flaky=" + flaky.hostPort())
                .sysProp("upstreamguard.dependency.tight.retry.budget.percent", "0")
                .sysProp("upstreamguard.dependency.tight.retry.budget.min-per-second", "0")
                .sysProp("upstreamguard.dependency.flaky.retry.max-attempts", "1")
                .sysProp("upstreamguard.dependency.flaky.breaker.min-attempts", "4")
                .sysProp("upstreamguard.dependency.flaky.breaker.open-duration", "3s")
                .sysProp("upstreamguard.dependency.flaky.breaker.probes", "2")
                .run();

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdoutLines())
                .containsExactly(
                        "status=200",
                        "status=200",
                        "status=200",
                        "status=200",
                        "status=503",
                        "status=503",
                        "status=503",
                        "status=503",
                        "status=503",
                        "error=dev.upstreamguard.UpstreamUnavailableException",
                        "status=200",
                        "status=200",
                        "done");
        assertThat(shop.hits()).isEqualTo(6);
        assertThat(tight.hits()).isEqualTo(1);
        assertThat(flaky.hits()).isEqualTo(6);

        ReceivedMetric duration = otlp.awaitMetric("http.client.request.duration", m -> m.total(Map.of()) == 13, WAIT);
        assertThat(duration.kind()).isEqualTo("HISTOGRAM");
        assertThat(duration.unit()).isEqualTo("s");
        assertThat(duration.scopeName()).isEqualTo("dev.upstreamguard.agent");
        assertThat(duration.points().get(0).bounds())
                .containsExactly(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
        assertThat(duration.total(attrs(
                        "upstreamguard.dependency",
                        "shop",
                        "http.response.status_code",
                        200L,
                        "http.request.method",
                        "GET",
                        "server.address",
                        "127.0.0.1",
                        "server.port",
                        (long) shop.port())))
                .isEqualTo(4);
        assertThat(duration.total(attrs(
                        "upstreamguard.dependency", "shop", "http.response.status_code", 503L, "error.type", "503")))
                .isEqualTo(2);
        assertThat(duration.total(attrs("upstreamguard.dependency", "tight"))).isEqualTo(1);
        assertThat(duration.total(attrs("upstreamguard.dependency", "flaky", "error.type", "503")))
                .isEqualTo(4);
        assertThat(duration.total(attrs("upstreamguard.dependency", "flaky", "http.response.status_code", 200L)))
                .isEqualTo(2);
        assertThat(duration.points())
                .allSatisfy(p -> assertThat(p.attributes().keySet())
                        .isSubsetOf(
                                "http.request.method",
                                "server.address",
                                "server.port",
                                "http.response.status_code",
                                "error.type",
                                "upstreamguard.dependency"));

        ReceivedMetric calls = otlp.latestMetric("upstreamguard.calls");
        assertThat(calls.kind()).isEqualTo("SUM");
        assertThat(calls.monotonic()).isTrue();
        assertThat(calls.unit()).isEqualTo("{call}");
        assertThat(pointsOf(calls))
                .containsExactlyInAnyOrder(
                        "upstreamguard.dependency=shop,upstreamguard.outcome=success,upstreamguard.retried=false -> 3",
                        "upstreamguard.dependency=shop,upstreamguard.outcome=success,upstreamguard.retried=true -> 1",
                        "upstreamguard.dependency=tight,upstreamguard.outcome=budget-exhausted,upstreamguard.retried=false -> 1",
                        "upstreamguard.dependency=flaky,upstreamguard.outcome=exhausted,upstreamguard.retried=false -> 4",
                        "upstreamguard.dependency=flaky,upstreamguard.outcome=circuit-open,upstreamguard.retried=false -> 1",
                        "upstreamguard.dependency=flaky,upstreamguard.outcome=success,upstreamguard.retried=false -> 2");

        ReceivedMetric retries = otlp.latestMetric("upstreamguard.retries");
        assertThat(retries.kind()).isEqualTo("SUM");
        assertThat(retries.monotonic()).isTrue();
        assertThat(retries.unit()).isEqualTo("{retry}");
        assertThat(pointsOf(retries))
                .containsExactly("upstreamguard.dependency=shop,upstreamguard.failure=status -> 2");

        ReceivedMetric exhausted = otlp.latestMetric("upstreamguard.retry.budget.exhausted");
        assertThat(exhausted.kind()).isEqualTo("SUM");
        assertThat(exhausted.monotonic()).isTrue();
        assertThat(exhausted.unit()).isEqualTo("{retry}");
        assertThat(pointsOf(exhausted)).containsExactly("upstreamguard.dependency=tight -> 1");

        ReceivedMetric transitions = otlp.latestMetric("upstreamguard.breaker.transitions");
        assertThat(transitions.kind()).isEqualTo("SUM");
        assertThat(transitions.monotonic()).isTrue();
        assertThat(transitions.unit()).isEqualTo("{transition}");
        assertThat(pointsOf(transitions))
                .containsExactlyInAnyOrder(
                        "upstreamguard.breaker.state=open,upstreamguard.dependency=flaky -> 1",
                        "upstreamguard.breaker.state=half-open,upstreamguard.dependency=flaky -> 1",
                        "upstreamguard.breaker.state=closed,upstreamguard.dependency=flaky -> 1");

        ReceivedMetric state = otlp.latestMetric("upstreamguard.breaker.state");
        assertThat(state.kind()).isEqualTo("GAUGE");
        assertThat(state.unit()).isEqualTo("1");
        assertThat(pointsOf(state))
                .containsExactlyInAnyOrder(
                        "upstreamguard.breaker.state=closed,upstreamguard.dependency=flaky -> 1",
                        "upstreamguard.breaker.state=open,upstreamguard.dependency=flaky -> 0",
                        "upstreamguard.breaker.state=half-open,upstreamguard.dependency=flaky -> 0",
                        "upstreamguard.breaker.state=closed,upstreamguard.dependency=shop -> 1",
                        "upstreamguard.breaker.state=open,upstreamguard.dependency=shop -> 0",
                        "upstreamguard.breaker.state=half-open,upstreamguard.dependency=shop -> 0",
                        "upstreamguard.breaker.state=closed,upstreamguard.dependency=tight -> 1",
                        "upstreamguard.breaker.state=open,upstreamguard.dependency=tight -> 0",
                        "upstreamguard.breaker.state=half-open,upstreamguard.dependency=tight -> 0");

        ReceivedMetric inFlight = otlp.latestMetric("upstreamguard.in_flight");
        assertThat(inFlight.kind()).isEqualTo("SUM");
        assertThat(inFlight.monotonic()).isFalse();
        assertThat(inFlight.unit()).isEqualTo("{attempt}");
        assertThat(pointsOf(inFlight))
                .containsExactlyInAnyOrder(
                        "upstreamguard.dependency=shop -> 0",
                        "upstreamguard.dependency=tight -> 0",
                        "upstreamguard.dependency=flaky -> 0");

        assertNoPathOrQuery(otlp.metrics());
        System.out.println("MetricsIT: instruments as exported:");
        for (String name : List.of(
                "http.client.request.duration",
                "upstreamguard.calls",
                "upstreamguard.retries",
                "upstreamguard.retry.budget.exhausted",
                "upstreamguard.breaker.state",
                "upstreamguard.breaker.transitions",
                "upstreamguard.in_flight")) {
            ReceivedMetric m = otlp.latestMetric(name);
            System.out.println("  " + m.name() + " " + m.kind()
                    + (m.kind().equals("SUM") ? (m.monotonic() ? " monotonic" : " non-monotonic") : "") + " unit="
                    + m.unit() + " " + m.temporality());
            pointsOf(m).stream().sorted().forEach(p -> System.out.println("    " + p));
        }
    }

    @Test
    void twoThousandUpstreamPortsStayWithinTheBoundAndNoPathBecomesAnAttribute() {
        // Unknown hosts fail locally (the hosts file knows none of them): no network, no other process reached.
        String[] steps = new String[2000];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = "1*http://nowhere.test:" + (20000 + i) + "/item/" + i + "?q=" + i;
        }
        ChildJvm.Result result =
                app(steps).sysProp("upstreamguard.retry.max-attempts", "1").run();

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdoutLines()).filteredOn(l -> l.startsWith("error=")).hasSize(2000);
        ReceivedMetric calls = otlp.awaitMetric("upstreamguard.calls", m -> m.total(Map.of()) == 2000, WAIT);
        assertThat(calls.points()).hasSize(1025);
        assertThat(calls.total(attrs("upstreamguard.dependency", "_other"))).isEqualTo(2000 - 1024);
        for (String name : List.of(
                "http.client.request.duration",
                "upstreamguard.calls",
                "upstreamguard.breaker.state",
                "upstreamguard.in_flight")) {
            ReceivedMetric m = otlp.latestMetric(name);
            Set<String> dependencies = m.points().stream()
                    .map(p -> String.valueOf(p.attributes().get("upstreamguard.dependency")))
                    .collect(Collectors.toSet());
            // the gauge observes the dependencies tracked now (the 1,024 most recent), the others all seen
            if (name.endsWith("breaker.state")) {
                assertThat(dependencies).as(name).hasSizeLessThanOrEqualTo(1025).contains("_other");
                assertThat(m.points().size()).as(name).isLessThanOrEqualTo(3 * 1025);
            } else {
                assertThat(dependencies).as(name).hasSize(1025).contains("_other");
                assertThat(m.points().size()).as(name).isLessThanOrEqualTo(1025);
            }
        }
        assertThat(otlp.latestMetric("http.client.request.duration").points())
                .filteredOn(p -> "_other".equals(p.attributes().get("upstreamguard.dependency")))
                .allSatisfy(p -> assertThat(p.attributes()).doesNotContainKeys("server.address", "server.port"));
        assertNoPathOrQuery(otlp.metrics());
    }

    @Test
    void exporterNoneSendsNoMetrics() {
        shop.otherwise(Fault.ok("ok"));
        ChildJvm.Result result = app("2*" + shop.url("/x"))
                .sysProp("otel.metrics.exporter", "none")
                .run();

        assertThat(result.stdoutLines()).containsExactly("status=200", "status=200", "done");
        assertThat(otlp.exportRequests(OtlpReceiver.METRICS)).isZero();
    }

    @Test
    void sdkDisabledSendsNeitherMetricsNorSpansAndStillGuards() {
        shop.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        ChildJvm.Result result = app("1*" + shop.url("/x"))
                .sysProp("otel.sdk.disabled", "true")
                .sysProp("otel.traces.exporter", "otlp")
                .run();

        assertThat(result.stdoutLines()).containsExactly("status=200", "done");
        assertThat(shop.hits()).isEqualTo(2);
        assertThat(otlp.exportRequests(OtlpReceiver.METRICS)).isZero();
        assertThat(otlp.exportRequests(OtlpReceiver.TRACES)).isZero();
    }

    @Test
    void tracingDisabledLeavesMetricsOn() {
        shop.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        ChildJvm.Result result = app("1*" + shop.url("/x"))
                .sysProp("upstreamguard.tracing.enabled", "false")
                .sysProp("otel.traces.exporter", "otlp")
                .run();

        assertThat(result.stdoutLines()).containsExactly("status=200", "done");
        ReceivedMetric calls = otlp.awaitMetric("upstreamguard.calls", m -> m.total(Map.of()) == 1, WAIT);
        assertThat(calls.total(attrs("upstreamguard.outcome", "success", "upstreamguard.retried", "true")))
                .isEqualTo(1);
        assertThat(otlp.latestMetric("upstreamguard.retries").total(Map.of())).isEqualTo(1);
        assertThat(otlp.exportRequests(OtlpReceiver.TRACES)).isZero();
        assertThat(shop.requests())
                .allSatisfy(r -> assertThat(r.header("traceparent")).isNull());
    }

    /** Each point as {@code k=v,k=v -> value}, keys sorted. */
    private static List<String> pointsOf(ReceivedMetric metric) {
        return metric.points().stream()
                .map(p -> new java.util.TreeMap<>(p.attributes())
                                .entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(Collectors.joining(","))
                        + " -> " + (metric.kind().equals("HISTOGRAM") ? "count " + p.count() : (long) p.value()))
                .collect(Collectors.toList());
    }

    private static void assertNoPathOrQuery(List<ReceivedMetric> metrics) {
        Set<Object> values = new HashSet<>();
        metrics.forEach(
                m -> m.points().forEach(p -> values.addAll(p.attributes().values())));
        assertThat(values)
                .isNotEmpty()
                .allSatisfy(v -> assertThat(String.valueOf(v))
                        .doesNotContain("/")
                        .doesNotContain("?")
                        .doesNotContain("secret")
                        .doesNotContain("item"));
    }
}
