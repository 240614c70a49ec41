package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.it.apps.CallMain;
import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as an application meets it: a fresh JVM started with {@code -javaagent}, its configuration
 * from properties, environment and file, and what it prints.
 */
class AgentStartupIT {

    private static final Path AGENT = Paths.get(System.getProperty("agent.jar"));

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    /** A child JVM with the agent, exporting nowhere, running {@link CallMain}. */
    private ChildJvm app(String client, String url, int count) {
        return ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("otel.traces.exporter", "none")
                .sysProp("upstreamguard.retry.backoff.initial", "10ms")
                .mainClass(CallMain.class.getName(), client, url, Integer.toString(count))
                .timeout(Duration.ofSeconds(60));
    }

    /** stderr without the JVM's own note that class sharing is limited once the bootstrap path grows. */
    private static List<String> agentLines(ChildJvm.Result result) {
        return result.stderrLines().stream()
                .filter(l -> !l.isBlank() && !l.contains("Sharing is only supported for boot loader classes"))
                .collect(Collectors.toList());
    }

    @Test
    void invalidValuesGiveOneClearLineEachAndTheDefaultsApply() {
        upstream.otherwise(Fault.status(503));

        ChildJvm.Result result = app("urlconnection", upstream.url("/x"), 1)
                .sysProp("upstreamguard.timeout.read", "ten")
                .sysProp("upstreamguard.retry.max-attempts", "0")
                .sysProp("upstreamguard.retry.budget.percent", "-5")
                .sysProp("upstreamguard.mode", "loud")
                .sysProp("upstreamguard.timeout.connect", "99999999999999h")
                .run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("status=503");
        assertThat(upstream.hits()).as("default max-attempts used").isEqualTo(3);
        assertThat(agentLines(result))
                .containsExactlyInAnyOrder(
                        "[upstream-guard] upstreamguard.timeout.read: \"ten\" is not a duration (examples: 250ms, 2s, 1m); using 10s",
                        "[upstream-guard] upstreamguard.retry.max-attempts: \"0\" is out of range: expected a whole number from 1 to 100; using 3",
                        "[upstream-guard] upstreamguard.retry.budget.percent: \"-5\" is out of range: expected a whole number from 0 to 1000; using 20",
                        "[upstream-guard] upstreamguard.mode: \"loud\" is not enforce or observe; using enforce",
                        "[upstream-guard] upstreamguard.timeout.connect: \"99999999999999h\" is out of range: expected a duration from 0 to 24h; using 2s");
    }

    @Test
    void environmentVariablesApplyBelowSystemProperties() {
        upstream.otherwise(Fault.status(503));

        ChildJvm.Result result = app("jdk", upstream.url("/x"), 1)
                .env("UPSTREAMGUARD_RETRY_MAX_ATTEMPTS", "2")
                .run();

        assertThat(result.stdout()).contains("status=503");
        assertThat(upstream.hits()).isEqualTo(2);
        assertThat(agentLines(result)).isEmpty();
    }

    @Test
    void aPropertiesFileAppliesBelowTheEnvironment(@TempDir Path dir) throws IOException {
        upstream.otherwise(Fault.status(503));
        Path file = dir.resolve("guard.properties");
        Files.writeString(file, "upstreamguard.retry.max-attempts=4\nupstreamguard.retry.backoff.max=20ms\n");

        ChildJvm.Result result = app("jdk", upstream.url("/x"), 1)
                .sysProp("upstreamguard.config.file", file.toString())
                .run();

        assertThat(result.stdout()).contains("status=503");
        assertThat(upstream.hits()).isEqualTo(4);
    }

    @Test
    void anUnreadableConfigFileGivesOneLineAndTheAgentStillWorks(@TempDir Path dir) {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        Path missing = dir.resolve("missing.properties");

        ChildJvm.Result result = app("jdk", upstream.url("/x"), 1)
                .sysProp("upstreamguard.config.file", missing.toString())
                .run();

        assertThat(result.stdout()).contains("status=200");
        assertThat(agentLines(result)).hasSize(1);
        assertThat(agentLines(result).get(0))
                .startsWith("[upstream-guard] upstreamguard.config.file: cannot read \"" + missing + "\"");
    }

    @Test
    void anApplicationWithoutTheThirdPartyClientsRunsGuardedAndQuiet() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        // only the test classes: no OkHttp, no Apache HttpClient, no Kotlin on the class path
        String classesOnly = Paths.get(CallMain.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();

        ChildJvm.Result result = app("jdk", upstream.url("/x"), 1)
                .classpath(classesOnly)
                .sysProp("upstreamguard.debug", "false")
                .run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("status=200");
        assertThat(upstream.hits()).isEqualTo(2);
        assertThat(agentLines(result)).isEmpty();
    }

    @Test
    void anApplicationWithItsOwnByteBuddyAndOpenTelemetryKeepsWorking() throws IOException {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        String classpath;
        try (java.util.stream.Stream<Path> jars = Files.list(Paths.get(System.getProperty("it.app.libs")))) {
            classpath = System.getProperty("it.test.classes")
                    + java.io.File.pathSeparator
                    + jars.map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        }

        ChildJvm.Result result = ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("otel.traces.exporter", "none")
                .sysProp("net.bytebuddy.experimental", "true") // the application's ByteBuddy 1.14 on Java 25
                .classpath(classpath)
                .mainClass(dev.upstreamguard.it.apps.OwnLibrariesMain.class.getName(), upstream.url("/x"))
                .run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout())
                .contains("bytebuddy=made by the application's ByteBuddy from byte-buddy-1.14.18.jar");
        assertThat(result.stdout()).contains("otel=io.opentelemetry.api.trace.PropagatedSpan");
        assertThat(result.stdout()).contains("status=200");
        assertThat(upstream.hits()).as("the agent retried the 503").isEqualTo(2);
        assertThat(agentLines(result)).isEmpty();
    }

    @Test
    void disabledAgentPrintsNothingAndChangesNothing() {
        upstream.otherwise(Fault.status(503));

        ChildJvm.Result result = app("urlconnection", upstream.url("/x"), 1)
                .sysProp("upstreamguard.enabled", "false")
                .run();

        assertThat(result.stdout()).contains("status=503");
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(upstream.requests().get(0).header("traceparent")).isNull();
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void anApplicationThatMakesNoCallStartsNoOpenTelemetryEvenWithADeadCollector() {
        ChildJvm.Result result = ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + Ports.refusedPort())
                .mainClass(dev.upstreamguard.it.apps.IdleMain.class.getName())
                .timeout(Duration.ofSeconds(60))
                .run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutLines()).contains("done");
        // the SDK starts on the first span or metric: no exporter, batch processor or metric reader before
        assertThat(result.stdoutLines())
                .filteredOn(l -> l.startsWith("thread="))
                .noneMatch(l -> l.contains("BatchSpanProcessor")
                        || l.contains("PeriodicMetricReader")
                        || l.contains("HttpClient")
                        || l.contains("telemetry-start"));
        assertThat(agentLines(result)).isEmpty();
    }

    /** The bootstrap jar inside the agent jar holds the agent jar's bootstrap classes, byte for byte, and nothing else. */
    @Test
    void theNestedBootstrapJarHoldsExactlyTheBootstrapClasses() throws IOException {
        Map<String, byte[]> expected = new TreeMap<>();
        Map<String, byte[]> nested = new TreeMap<>();
        try (JarFile agent = new JarFile(AGENT.toFile())) {
            for (JarEntry entry : Collections.list(agent.entries())) {
                String name = entry.getName();
                if ((name.startsWith("dev/upstreamguard/bootstrap/") && name.endsWith(".class"))
                        || name.equals("dev/upstreamguard/UpstreamUnavailableException.class")) {
                    expected.put(name, agent.getInputStream(entry).readAllBytes());
                }
            }
            JarEntry inner = agent.getJarEntry("upstream-guard-bootstrap/upstream-guard-agent-bootstrap.jar");
            assertThat(inner).isNotNull();
            try (JarInputStream in = new JarInputStream(agent.getInputStream(inner))) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    if (entry.getName().endsWith(".class")) {
                        nested.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }

        assertThat(expected).containsKey("dev/upstreamguard/bootstrap/Bridge.class");
        assertThat(nested.keySet()).isEqualTo(expected.keySet());
        for (String name : expected.keySet()) {
            assertThat(nested.get(name)).as(name).isEqualTo(expected.get(name));
        }
    }

    /**
     * {@code premain} loads none of the classes it instruments, so it transforms nothing: each is
     * transformed when the application first loads it. Debug mode logs every transformation.
     */
    @Test
    void nothingIsTransformedBeforeMainOnlyTheClassesTheApplicationLoads() {
        ChildJvm.Result idle = ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("upstreamguard.debug", "true")
                .mainClass(dev.upstreamguard.it.apps.IdleMain.class.getName())
                .timeout(Duration.ofSeconds(60))
                .run();
        upstream.otherwise(Fault.ok("fine"));
        ChildJvm.Result calling = app("jdk", upstream.url("/a"), 1)
                .sysProp("upstreamguard.debug", "true")
                .run();

        assertThat(idle.exitCode()).isZero();
        assertThat(idle.stdoutLines()).contains("done");
        assertThat(idle.stderrLines()).noneMatch(l -> l.contains("instrumented "));
        assertThat(calling.stdoutLines()).contains("status=200");
        assertThat(calling.stderrLines())
                .filteredOn(l -> l.contains("instrumented "))
                .map(l -> l.substring(l.indexOf("instrumented ") + 13))
                .contains("jdk.internal.net.http.HttpClientImpl", "jdk.internal.net.http.HttpClientFacade")
                .allMatch(name -> name.startsWith("jdk.internal.net.http.") || name.startsWith("sun.net.www."));
    }

    @Test
    void aCollectorThatNeverAnswersDoesNotHoldUpTheApplicationsExit() {
        upstream.otherwise(Fault.ok("ok"));
        try (FaultyUpstream collector = FaultyUpstream.start()) {
            collector.otherwise(Fault.hangHead());
            try (ChildJvm.Running app = ChildJvm.java()
                    .javaagent(AGENT)
                    .sysProp("otel.exporter.otlp.endpoint", collector.url(""))
                    .sysProp("otel.exporter.otlp.timeout", "60000")
                    .mainClass(CallMain.class.getName(), "jdk", upstream.url("/x"), "1")
                    .timeout(Duration.ofSeconds(150))
                    .start()) {
                app.awaitOutputLine(l -> l.startsWith("done in"), Duration.ofSeconds(60));
                long mainEnded = System.nanoTime();
                app.awaitExit(Duration.ofSeconds(120));
                Duration exit = Duration.ofNanos(System.nanoTime() - mainEnded);

                assertThat(app.stdout()).contains("status=200");
                // the last spans and metrics get 1 s: a few seconds at most on a loaded machine, where waiting
                // for the collector (the SDK's own shutdown) took 20 s and more
                assertThat(exit).isLessThan(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void anUnreachableCollectorNeitherSlowsTheApplicationNorPrintsStackTraces() {
        upstream.otherwise(Fault.ok("ok"));
        int deadCollector = Ports.refusedPort();

        ChildJvm.Result result = ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + deadCollector)
                .sysProp("otel.bsp.schedule.delay", "20")
                .sysProp("otel.bsp.export.timeout", "500")
                .mainClass(CallMain.class.getName(), "jdk", upstream.url("/x"), "200")
                .timeout(Duration.ofSeconds(60))
                .run();

        assertThat(result.stdoutLines()).filteredOn(l -> l.equals("status=200")).hasSize(200);
        assertThat(result.stderr()).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(agentLines(result)).allMatch(l -> l.startsWith("[upstream-guard] "));
        assertThat(agentLines(result).size()).isLessThanOrEqualTo(3);
        String done = result.stdoutLines().get(result.stdoutLines().size() - 1);
        long millis = Long.parseLong(done.replaceAll("\\D", ""));
        // generous bound: 200 loopback calls take well under a second each even on a loaded CI machine
        assertThat(millis).isLessThan(20_000L);
    }
}
