package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.charts.LatencyTimeline;
import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cascade test: one slow dependency must not take the whole application down. {@link CascadeApp}
 * (Jetty, 24 request threads, the filter) serves {@code /slow}, which calls a dependency whose every
 * answer is held back, and {@code /healthy}, which calls a healthy one. 32 callers hammer {@code /slow}
 * (pausing 50 ms after an error answer, as a client with any backoff would); a probe calls
 * {@code /healthy} every 100 ms. Without the agent the request threads pile up on the slow dependency
 * and the healthy endpoint starves; with it the breaker (or the concurrency limit) keeps the threads
 * free. The runs' samples and the breaker's transitions go to {@code target/cascade/cascade.csv} (the
 * {@link LatencyTimeline} format) and are drawn as {@code target/cascade.svg} and {@code .png}; a
 * summary goes to {@code target/cascade.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CascadeTest {

    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("cascade.seconds", 12));
    private static final int CALLERS = 32;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Path OUT = Paths.get("target", "cascade");
    private static final Map<String, String> SUMMARY = new LinkedHashMap<>();
    /** The slow endpoint's calls drawn per run, at most: every n-th call beyond (the SVG costs ~0.3 KB a dot). */
    static final int SLOW_DRAWN_MAX = 500;

    private static final List<LatencyTimeline.Sample> DRAWN = Collections.synchronizedList(new ArrayList<>());
    private static final List<LatencyTimeline.Event> MARKED = Collections.synchronizedList(new ArrayList<>());

    /** One call as its caller saw it; times in ms from the start of the run (latency also in ns, for the chart). */
    record Sample(String endpoint, long startMs, long latencyNanos, int status, String contentType) {
        long latencyMs() {
            return latencyNanos / 1_000_000;
        }

        /** The latency in ms to the microsecond: a sub-millisecond answer is drawn as measured, not as 0. */
        double latencyMillisExact() {
            return Math.round(latencyNanos / 1_000.0) / 1_000.0;
        }
    }

    /** One breaker log line of the application, and when the test saw it. */
    record Transition(long atMs, String line) {}

    /** What one run recorded. */
    static final class Run {
        final String name;
        /** The run's panel title in the chart. */
        final String title;

        final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        final List<Transition> transitions = Collections.synchronizedList(new ArrayList<>());
        long recoveryMs = -1;

        Run(String name, String title) {
            this.name = name;
            this.title = title;
        }

        List<Sample> of(String endpoint, long fromMs, long toMs, Predicate<Sample> which) {
            synchronized (samples) {
                return samples.stream()
                        .filter(s ->
                                s.endpoint.equals(endpoint) && s.startMs >= fromMs && s.startMs < toMs && which.test(s))
                        .collect(Collectors.toList());
            }
        }

        long firstTransition(String to, long afterMs) {
            synchronized (transitions) {
                return transitions.stream()
                        .filter(t -> t.line.contains("-> " + to) && t.atMs >= afterMs)
                        .mapToLong(Transition::atMs)
                        .min()
                        .orElse(-1);
            }
        }
    }

    @AfterAll
    static void writeSummary() throws IOException {
        StringBuilder md = new StringBuilder("| run | figure | value |\n| --- | --- | --- |\n");
        SUMMARY.forEach((k, v) -> md.append("| ")
                .append(k.replace(" :: ", " | "))
                .append(" | ")
                .append(v)
                .append(" |\n"));
        System.out.println(md);
        Files.createDirectories(OUT);
        Files.writeString(Paths.get("target", "cascade.md"), md.toString());
        if (!DRAWN.isEmpty()) {
            LatencyTimeline timeline = new LatencyTimeline(DRAWN, MARKED);
            Files.writeString(OUT.resolve("cascade.csv"), timeline.toCsv());
            timeline.sheet(
                            "One slow dependency, 24 request threads: the healthy endpoint's latency without and with Upstream Guard",
                            "Measured by CascadeTest (reliability/): 32 callers on /slow, a probe on /healthy every 100 ms; "
                                    + "every healthy probe drawn, every n-th slow call (at most " + SLOW_DRAWN_MAX
                                    + " a run); "
                                    + "the latency each caller saw. Dashed lines: the dependency's recovery and the breaker's state changes "
                                    + "(when the test read them in the application's log, polled every 20 ms).")
                    .write(Paths.get("target", "cascade"), 1100, 1300);
        }
    }

    @Test
    @Order(1)
    void withoutTheAgentTheSlowDependencyStarvesTheHealthyEndpoint() throws Exception {
        Run run = run(
                "breaker-without-agent",
                "breaker scenario (dependency holds every answer 5 s): without Upstream Guard",
                false,
                Map.of(),
                Fault.slowHead(Duration.ofSeconds(5)),
                null);

        List<Sample> healthy = run.of("healthy", 3_000, Long.MAX_VALUE, s -> true);
        summarise(run, healthy, List.of());
        assertThat(p(healthy, 95)).as("healthy p95 ms without the agent").isGreaterThanOrEqualTo(1_000);
    }

    @Test
    @Order(2)
    void withTheBreakerTheHealthyEndpointKeepsAnsweringAndTheSlowOneFailsFast() throws Exception {
        Run run = run(
                "breaker-with-agent",
                "breaker scenario: with Upstream Guard (read timeout 1 s; breaker open 5 s then 10 s)",
                true,
                Map.of(
                        "upstreamguard.timeout.read",
                        "1s",
                        "upstreamguard.breaker.open-duration",
                        "5s",
                        "upstreamguard.breaker.open-duration.max",
                        "10s"),
                Fault.slowHead(Duration.ofSeconds(5)),
                Duration.ofSeconds(14));

        long opened = run.firstTransition("open", 0);
        assertThat(opened)
                .as("the breaker opened; transitions " + run.transitions)
                .isBetween(0L, run.recoveryMs);
        long settled = opened + 1_500; // calls that were in flight when it opened have ended (read timeout 1 s)
        List<Sample> healthy = run.of("healthy", settled, run.recoveryMs, s -> true);
        List<Sample> rejected = run.of("slow", settled, run.recoveryMs, s -> s.status == 503);
        List<Sample> slowAll = run.of("slow", settled, run.recoveryMs, s -> true);
        long closed = run.firstTransition("closed", run.recoveryMs);
        summarise(run, healthy, rejected);
        SUMMARY.put(run.name + " :: breaker opened after (ms)", Long.toString(opened));
        SUMMARY.put(run.name + " :: closed after recovery (ms)", Long.toString(closed - run.recoveryMs));

        assertThat(healthy).isNotEmpty().allMatch(s -> s.status == 200);
        assertThat(p(healthy, 95)).as("healthy p95 ms once the breaker is open").isLessThan(300);
        assertThat(rejected.size())
                .as("slow endpoint answers once open: 503s")
                .isGreaterThanOrEqualTo(slowAll.size() * 9 / 10);
        assertThat(rejected).allMatch(s -> s.contentType.startsWith("application/problem+json"));
        assertThat(p(rejected, 50)).as("slow endpoint p50 ms once open").isLessThan(50);
        assertThat(closed)
                .as("closed after the dependency recovered; transitions " + run.transitions)
                .isGreaterThan(run.recoveryMs);
        assertThat(closed - run.recoveryMs)
                .as("ms from recovery to closed (open duration at most 10 s)")
                .isLessThanOrEqualTo(10_000 + 2_500);
        assertThat(run.of("slow", closed + 500, Long.MAX_VALUE, s -> true))
                .isNotEmpty()
                .allMatch(s -> s.status == 200);
    }

    @Test
    @Order(3)
    void withoutTheAgentASlowButTimelyDependencyStarvesTheHealthyEndpointToo() throws Exception {
        Run run = run(
                "limit-without-agent",
                "limit scenario (dependency holds every answer 3 s): without Upstream Guard",
                false,
                Map.of(),
                Fault.slowHead(Duration.ofSeconds(3)),
                null);

        List<Sample> healthy = run.of("healthy", 3_000, Long.MAX_VALUE, s -> true);
        summarise(run, healthy, List.of());
        assertThat(p(healthy, 95)).as("healthy p95 ms without the agent").isGreaterThanOrEqualTo(1_000);
    }

    @Test
    @Order(4)
    void withAConcurrencyLimitTheSlowDependencyHoldsAtMostItsShareOfThreads() throws Exception {
        // answers in 3 s, under the 5 s read timeout: the breaker never sees a failure, the limit decides
        Run run = run(
                "limit-with-agent",
                "limit scenario: with Upstream Guard (concurrency.max 4 for the slow dependency)",
                true,
                Map.of("upstreamguard.timeout.read", "5s", "upstreamguard.dependency.slow.concurrency.max", "4"),
                Fault.slowHead(Duration.ofSeconds(3)),
                null);

        List<Sample> healthy = run.of("healthy", 1_000, Long.MAX_VALUE, s -> true);
        List<Sample> rejected = run.of("slow", 1_000, Long.MAX_VALUE, s -> s.status == 503);
        summarise(run, healthy, rejected);
        assertThat(run.transitions)
                .as("the breaker never opens: nothing failed")
                .isEmpty();
        assertThat(healthy).isNotEmpty().allMatch(s -> s.status == 200);
        assertThat(p(healthy, 95)).as("healthy p95 ms with the limit").isLessThan(300);
        assertThat(rejected).isNotEmpty().allMatch(s -> s.contentType.startsWith("application/problem+json"));
        assertThat(p(rejected, 50)).as("rejected p50 ms").isLessThan(50);
        assertThat(run.of("slow", 0, Long.MAX_VALUE, s -> s.status == 200)).isNotEmpty();
    }

    /**
     * Starts the upstreams and the application (with the agent when asked), loads it for {@link #LOAD},
     * then, when {@code afterRecovery} is set, lets the slow dependency recover and goes on for that long.
     */
    private static Run run(
            String name,
            String title,
            boolean agent,
            Map<String, String> props,
            Fault slowFault,
            Duration afterRecovery)
            throws Exception {
        Run run = new Run(name, title);
        try (FaultyUpstream slow = FaultyUpstream.start();
                FaultyUpstream healthy = FaultyUpstream.start()) {
            slow.otherwise(slowFault);
            healthy.otherwise(Fault.ok("healthy"));
            ChildJvm jvm = ChildJvm.java()
                    .jvmArg("-Xmx256m")
                    .sysProp("cascade.slow", slow.url("/slow"))
                    .sysProp("cascade.healthy", healthy.url("/healthy"))
                    .mainClass(CascadeApp.class.getName())
                    .timeout(Duration.ofMinutes(5));
            if (agent) {
                jvm.javaagent(GuardedAppProcess.AGENT)
                        .sysProp("otel.traces.exporter", "none")
                        .sysProp(
                                "upstreamguard.dependencies",
                                "slow=" + slow.hostPort() + ",healthy=" + healthy.hostPort());
                props.forEach(jvm::sysProp);
            }
            try (ChildJvm.Running app = jvm.start()) {
                String line = app.awaitOutputLine(l -> l.startsWith("port="), Duration.ofSeconds(60));
                String base =
                        "http://127.0.0.1:" + line.substring("port=".length()).trim();
                warmUp(base);
                long t0 = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(CALLERS + 1);
                Duration total = afterRecovery == null ? LOAD : LOAD.plus(afterRecovery);
                long end = t0 + total.toNanos();
                CountDownLatch done = new CountDownLatch(CALLERS);
                for (int i = 0; i < CALLERS; i++) {
                    pool.execute(() -> {
                        try {
                            while (System.nanoTime() < end) {
                                Sample s = call(base + "/slow", "slow", t0);
                                run.samples.add(s);
                                if (s.status != 200) {
                                    pause(50);
                                }
                            }
                        } finally {
                            done.countDown();
                        }
                    });
                }
                pool.execute(() -> watchTransitions(app, run, t0, end));
                List<CompletableFuture<Void>> probes = new ArrayList<>();
                boolean recovered = false;
                for (long next = t0; next < end; next += 100_000_000L) {
                    if (!recovered && afterRecovery != null && next - t0 >= LOAD.toNanos()) {
                        slow.otherwise(Fault.ok("recovered"));
                        run.recoveryMs = (System.nanoTime() - t0) / 1_000_000;
                        recovered = true;
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    probes.add(probe(base + "/healthy", t0, run));
                }
                boolean finished = done.await(30, TimeUnit.SECONDS);
                CompletableFuture.allOf(probes.toArray(new CompletableFuture[0]))
                        .get(30, TimeUnit.SECONDS);
                pool.shutdownNow();
                assertThat(finished)
                        .as("callers ended within 30 s of the run's end")
                        .isTrue();
                if (run.recoveryMs < 0) {
                    run.recoveryMs = Long.MAX_VALUE;
                }
            }
        }
        write(run);
        return run;
    }

    private static void warmUp(String base) {
        for (int i = 0; i < 20; i++) {
            call(base + "/healthy", "healthy", System.nanoTime());
        }
    }

    private static Sample call(String url, String endpoint, long t0) {
        long start = System.nanoTime();
        int status;
        String type = "";
        try {
            HttpResponse<Void> r = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(15))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            status = r.statusCode();
            type = r.headers().firstValue("Content-Type").orElse("");
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        return new Sample(endpoint, (start - t0) / 1_000_000, System.nanoTime() - start, status, type);
    }

    private static CompletableFuture<Void> probe(String url, long t0, Run run) {
        long start = System.nanoTime();
        return CLIENT.sendAsync(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(15))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .handle((r, t) -> {
                    run.samples.add(new Sample(
                            "healthy",
                            (start - t0) / 1_000_000,
                            System.nanoTime() - start,
                            r == null ? 0 : r.statusCode(),
                            r == null
                                    ? ""
                                    : r.headers().firstValue("Content-Type").orElse("")));
                    return null;
                });
    }

    /** Notes each breaker line of the application's stderr as it appears (polled every 20 ms). */
    private static void watchTransitions(ChildJvm.Running app, Run run, long t0, long end) {
        int seen = 0;
        while (System.nanoTime() < end + 2_000_000_000L
                && !Thread.currentThread().isInterrupted()) {
            String[] lines = app.stderr().split("\n");
            for (int i = seen; i < lines.length; i++) {
                if (lines[i].contains("circuit breaker of")) {
                    run.transitions.add(new Transition((System.nanoTime() - t0) / 1_000_000, lines[i].trim()));
                }
            }
            seen = Math.max(seen, lines.length);
            if (!pause(20)) {
                return;
            }
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static long p(List<Sample> samples, int percentile) {
        if (samples.isEmpty()) {
            return -1;
        }
        List<Long> sorted = samples.stream().map(Sample::latencyMs).sorted().collect(Collectors.toList());
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void summarise(Run run, List<Sample> healthy, List<Sample> rejected) {
        long ok = healthy.stream().filter(s -> s.status == 200).count();
        SUMMARY.put(
                run.name + " :: healthy p50 / p95 / max (ms)",
                p(healthy, 50) + " / " + p(healthy, 95) + " / "
                        + healthy.stream().mapToLong(Sample::latencyMs).max().orElse(-1));
        SUMMARY.put(run.name + " :: healthy success", ok + " of " + healthy.size());
        List<Sample> slow = run.of("slow", 0, Long.MAX_VALUE, s -> true);
        SUMMARY.put(
                run.name + " :: slow endpoint answers",
                slow.stream()
                        .collect(Collectors.groupingBy(s -> s.status, java.util.TreeMap::new, Collectors.counting()))
                        .toString());
        if (!rejected.isEmpty()) {
            SUMMARY.put(run.name + " :: slow endpoint 503 p50 / p95 (ms)", p(rejected, 50) + " / " + p(rejected, 95));
        }
    }

    /**
     * Adds the run to the chart: every healthy probe, the slow endpoint's calls (every n-th where there are
     * more than {@link #SLOW_DRAWN_MAX}), the recovery and each breaker transition, as they were measured.
     */
    private static void write(Run run) {
        List<Sample> samples;
        synchronized (run.samples) {
            samples = new ArrayList<>(run.samples);
        }
        samples.sort(Comparator.comparingLong(Sample::startMs));
        long slowCalls = samples.stream().filter(s -> s.endpoint.equals("slow")).count();
        long every = Math.max(1, (slowCalls + SLOW_DRAWN_MAX - 1) / SLOW_DRAWN_MAX);
        for (Sample s : samples) { // healthy first: its series keeps its colour whichever call came first
            if (s.endpoint.equals("healthy")) {
                DRAWN.add(new LatencyTimeline.Sample(run.title, "healthy endpoint", s.startMs, s.latencyMillisExact()));
            }
        }
        long slowSeen = 0;
        for (Sample s : samples) {
            if (s.endpoint.equals("slow") && slowSeen++ % every == 0) {
                DRAWN.add(new LatencyTimeline.Sample(run.title, "slow endpoint", s.startMs, s.latencyMillisExact()));
            }
        }
        if (run.recoveryMs >= 0 && run.recoveryMs != Long.MAX_VALUE) {
            MARKED.add(new LatencyTimeline.Event(run.title, run.recoveryMs, "dependency recovered"));
        }
        synchronized (run.transitions) {
            for (Transition t : run.transitions) {
                MARKED.add(new LatencyTimeline.Event(run.title, t.atMs, event(t.line)));
            }
        }
    }

    /** A breaker log line ("circuit breaker of slow: closed -> open (...)") as the chart's label. */
    static String event(String line) {
        if (line.contains("-> half-open")) {
            return "breaker half-open (probe)";
        }
        if (line.contains("-> open")) {
            return "breaker open";
        }
        if (line.contains("-> closed")) {
            return "breaker closed";
        }
        return "breaker changed state";
    }
}
