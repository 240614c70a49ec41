package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.ConnectHang;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.Ports;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A guarded application (filter and agent in their own JVM) under {@code reliability.callers}
 * concurrent callers for {@code reliability.seconds} per phase while its upstream fails in turn. Each
 * phase asserts honest bounds and adds a row to {@code target/reliability.md}. The agent runs with
 * connect 300ms, read 1s, call 2.5s, 3 attempts, and the default retry budget (20% + 10/s).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilitySuiteTest {

    private static final Duration PHASE = Duration.ofSeconds(Long.getLong("reliability.seconds", 3));
    private static final int CALLERS = Integer.getInteger("reliability.callers", 64);
    /** Enough scripted answers for any phase; after them the upstream answers 200. */
    private static final int SCRIPT = 400_000;

    private static final List<PhaseFigures> FIGURES = new ArrayList<>();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static OtlpReceiver collector;
    private static FaultyUpstream upstream;
    private static GuardedAppProcess app;
    private static Map<String, Long> baseline;
    private static double healthyP50;

    @BeforeAll
    static void start() throws Exception {
        collector = OtlpReceiver.start();
        upstream = FaultyUpstream.start();
        app = new GuardedAppProcess(collector.endpoint());
        warmUp();
        baseline = app.stats(CLIENT);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            String report = "Callers: " + CALLERS + ", seconds per phase: " + PHASE.toSeconds() + "\n\n"
                    + PhaseFigures.header() + "\n"
                    + FIGURES.stream().map(PhaseFigures::row).collect(Collectors.joining("\n")) + "\n";
            System.out.println(report);
            Path file = Paths.get(System.getProperty("reliability.report", "target/reliability.md"));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, report);
        } finally {
            if (app != null) {
                app.close();
            }
            upstream.close();
            collector.close();
        }
    }

    private static void warmUp() throws InterruptedException {
        upstream.otherwise(Fault.ok("ok"));
        Load.run(CLIENT, 8, Duration.ofSeconds(2), i -> Load.get(read(i, upstream.url("/warm"))));
        freshUpstream();
    }

    /** The application's read endpoint calling {@code target}; even callers use HttpClient, odd ones HttpURLConnection. */
    private static String read(int caller, String target) {
        return app.url("/read?client=" + (caller % 2 == 0 ? "jdk" : "url") + "&target=" + target);
    }

    /**
     * A new upstream for the next phase: a new {@code host:port} is a new dependency for the agent, with
     * a retry budget of its own, so one phase's retries do not use up the next one's.
     */
    private static void freshUpstream() {
        upstream.close();
        upstream = FaultyUpstream.start();
    }

    /** Runs one phase against the upstream as the test set it up. */
    private static PhaseFigures phase(String name, IntFunction<String> url, boolean countAttempts) throws Exception {
        List<Load.Call> calls = Load.run(CLIENT, CALLERS, PHASE, i -> Load.get(url.apply(i)));
        PhaseFigures figures = new PhaseFigures(name, calls, countAttempts ? upstream.hits() : null, app.stats(CLIENT));
        FIGURES.add(figures);
        return figures;
    }

    /** A seeded script: each answer fails with {@code fault} with probability {@code share}. */
    private static void script(double share, Fault fault, long seed) {
        Random random = new Random(seed);
        Fault ok = Fault.ok("ok");
        Fault[] answers = new Fault[SCRIPT];
        for (int i = 0; i < SCRIPT; i++) {
            answers[i] = random.nextDouble() < share ? fault : ok;
        }
        upstream.enqueue(answers).otherwise(ok);
    }

    /**
     * What the retry budget allows over a phase: 20% of its requests, plus the floor of 10 retries a
     * second, which a 10 s window grants 100 at a time (so a short phase may use all 100 at once). Calls
     * still running when the phase ends add up to the call timeout (2.5 s, rounded up to 3 s).
     */
    private static double maxAmplification(int requests) {
        double windows = Math.ceil((PHASE.toSeconds() + 3) / 10.0);
        return 1.2 + 100.0 * windows / Math.max(1, requests) + 0.05;
    }

    private static double amplification(PhaseFigures f) {
        return Double.parseDouble(f.amplification);
    }

    @Test
    @Order(1)
    void healthy() throws Exception {
        freshUpstream();
        PhaseFigures f = phase("healthy", i -> read(i, upstream.url("/ok")), true);
        healthyP50 = f.p50Millis;
        assertThat(f.successRate).isEqualTo(100.0);
        assertThat(amplification(f)).isEqualTo(1.0);
    }

    @Test
    @Order(2)
    void aShareOf503s() throws Exception {
        freshUpstream();
        script(0.30, Fault.status(503), 1);
        PhaseFigures f = phase("30% 503", i -> read(i, upstream.url("/flaky")), true);
        // without the agent 70% would succeed; the budget limits how many of the rest are retried
        assertThat(f.successRate).isGreaterThan(70.0);
        assertThat(f.count(502) + f.count(200)).isEqualTo(f.requests);
        assertThat(amplification(f)).isLessThanOrEqualTo(maxAmplification(f.requests));
    }

    @Test
    @Order(3)
    void connectionResets() throws Exception {
        freshUpstream();
        script(0.20, Fault.resetBeforeHead(), 2);
        PhaseFigures f = phase("20% resets", i -> read(i, upstream.url("/reset")), true);
        assertThat(f.successRate).isGreaterThan(80.0);
        assertThat(f.count(502) + f.count(200)).isEqualTo(f.requests);
        assertThat(amplification(f)).isLessThanOrEqualTo(maxAmplification(f.requests));
    }

    @Test
    @Order(4)
    void slowHeadsBeyondTheReadTimeout() throws Exception {
        freshUpstream();
        upstream.otherwise(Fault.slowHead(Duration.ofSeconds(3)));
        PhaseFigures f = phase("slow heads (3 s > read 1 s)", i -> read(i, upstream.url("/slow")), true);
        upstream.otherwise(Fault.ok("ok"));
        assertThat(f.count(504)).isEqualTo(f.requests);
        // no caller waits past the call timeout (2.5 s) plus scheduling slack
        assertThat(f.maxMillis).isLessThan(4_500);
        assertThat(amplification(f)).isLessThanOrEqualTo(maxAmplification(f.requests));
    }

    @Test
    @Order(5)
    void aRefusedPort() throws Exception {
        String refused = "http://127.0.0.1:" + Ports.refusedPort() + "/gone";
        PhaseFigures f = phase("refused port", i -> read(i, refused), false);
        assertThat(f.count(502)).isEqualTo(f.requests);
        assertThat(f.p99Millis).isLessThan(1_000);
    }

    @Test
    @Order(6)
    void aConnectThatHangs() throws Exception {
        try (ConnectHang hang = ConnectHang.start()) {
            PhaseFigures f = phase("connect hang", i -> read(i, hang.url("/hang")), false);
            assertThat(f.count(502)).isEqualTo(f.requests);
            // three connects of 300 ms at most, plus backoff and slack
            assertThat(f.maxMillis).isLessThan(3_000);
        }
    }

    @Test
    @Order(7)
    void aDribbledBody() throws Exception {
        freshUpstream();
        upstream.otherwise(Fault.dribbleBody(200, "0123456789", Duration.ofMillis(50)));
        PhaseFigures f = phase("dribbled body (10 B, 50 ms apart)", i -> read(i, upstream.url("/dribble")), true);
        upstream.otherwise(Fault.ok("ok"));
        assertThat(f.successRate).isEqualTo(100.0);
        assertThat(amplification(f)).isEqualTo(1.0);
    }

    @Test
    @Order(8)
    void aTotalOutageAndTheRecovery() throws Exception {
        freshUpstream();
        upstream.otherwise(Fault.status(503));
        PhaseFigures outage = phase("total outage (every answer 503)", i -> read(i, upstream.url("/down")), true);
        upstream.reset(); // the same dependency comes back
        PhaseFigures recovery = phase("recovery", i -> read(i, upstream.url("/up")), true);
        assertThat(outage.count(502)).isEqualTo(outage.requests);
        // no retry storm: retries stay within the budget
        assertThat(amplification(outage)).isLessThanOrEqualTo(maxAmplification(outage.requests));
        assertThat(recovery.successRate).isEqualTo(100.0);
    }

    @Test
    @Order(9)
    void nonIdempotentRequestsAreNeverDuplicated() throws Exception {
        freshUpstream();
        script(0.15, Fault.resetBeforeHead(), 4);
        java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
        List<Load.Call> calls = Load.run(
                CLIENT,
                CALLERS,
                PHASE,
                i -> Load.post(app.url("/write?id=" + ids.incrementAndGet() + "&target=" + upstream.url("/orders"))));
        Map<String, Long> seen =
                upstream.requests().stream().collect(Collectors.groupingBy(r -> r.bodyText(), Collectors.counting()));
        long duplicated = seen.values().stream().filter(n -> n > 1).count();
        FIGURES.add(new PhaseFigures(
                "POST, 15% resets (duplicates: " + duplicated + ")", calls, upstream.hits(), app.stats(CLIENT)));
        assertThat(duplicated).isZero();
        assertThat(upstream.hits()).isEqualTo(calls.size());
    }

    @Test
    @Order(10)
    void noLeakAcrossTheRun() throws Exception {
        Map<String, Long> after = app.stats(CLIENT);
        // pools grow to serve 64 callers; what matters is that nothing keeps growing with faults
        assertThat(after.get("threads")).isLessThan(baseline.get("threads") + CALLERS + 40);
        assertThat(after.get("fds")).isLessThan(baseline.get("fds") + 2L * CALLERS + 50);
        assertThat(after.get("heap")).isLessThan(200L * 1024 * 1024);
        assertThat(app.stderr()).doesNotContain("internal error").doesNotContain("\tat ");
    }

    @Test
    @Order(11)
    void aCollectorThatIsDownOrBlackHoledChangesNothing() throws Exception {
        int dead = Ports.refusedPort();
        try (ConnectHang blackHole = ConnectHang.start()) {
            for (String[] collectorCase : new String[][] {
                {"collector down", "http://127.0.0.1:" + dead},
                {"collector black-holed", "http://127.0.0.1:" + blackHole.port()}
            }) {
                try (GuardedAppProcess other = new GuardedAppProcess(collectorCase[1])) {
                    freshUpstream();
                    upstream.otherwise(Fault.ok("ok"));
                    Load.run(
                            CLIENT,
                            8,
                            Duration.ofSeconds(1),
                            i -> Load.get(other.url("/read?target=" + upstream.url("/w"))));
                    freshUpstream();
                    List<Load.Call> calls = Load.run(
                            CLIENT,
                            CALLERS,
                            PHASE,
                            i -> Load.get(other.url("/read?client=" + (i % 2 == 0 ? "jdk" : "url") + "&target="
                                    + upstream.url("/ok"))));
                    PhaseFigures f = new PhaseFigures(collectorCase[0], calls, upstream.hits(), other.stats(CLIENT));
                    FIGURES.add(f);
                    assertThat(f.successRate).isEqualTo(100.0);
                    assertThat(f.p50Millis).isLessThan(3 * healthyP50 + 50);
                    assertThat(f.appStats.get("heap")).isLessThan(200L * 1024 * 1024);
                    assertThat(other.stderr()
                                    .lines()
                                    .filter(l -> l.contains("upstream-guard"))
                                    .count())
                            .isLessThanOrEqualTo(3);
                }
            }
        }
    }
}
