package dev.upstreamguard.samples.springboot3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.Ports;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sample's fat jar started as it is deployed, {@code java -javaagent:upstream-guard-agent.jar -jar
 * app.jar}, with Spring Boot's error settings turned up to show everything: a failed dependency is the
 * filter's 502 problem+json naming the SERVER span's trace, which holds every attempt; the application's
 * own bug, Spring's own 404 and Actuator's health stay Spring's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootSampleIT {
    private static final String AGENT_SCOPE = "dev.upstreamguard.agent";
    private static final Duration SPANS_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private OtlpReceiver receiver;
    private FaultyUpstream inventory;
    private FaultyUpstream pricing;
    private ChildJvm.Running app;
    private URI base;

    @BeforeAll
    void startApplication() throws Exception {
        receiver = OtlpReceiver.start();
        inventory = FaultyUpstream.start();
        pricing = FaultyUpstream.start();
        Path work = Files.createDirectories(Path.of("target", "it-work"));
        // Only localhost resolves, locally: no lookup of the application ever reaches DNS.
        Path hosts = Files.writeString(work.resolve("hosts"), "127.0.0.1 localhost\n");
        int port = Ports.refusedPort(); // a port just free
        base = URI.create("http://127.0.0.1:" + port);
        app = ChildJvm.java()
                .javaagent(existing("agent.jar"))
                .sysProp("upstreamguard.timeout.connect", "500ms")
                .sysProp("upstreamguard.timeout.read", "2s")
                .sysProp("upstreamguard.retry.backoff.initial", "10ms")
                .sysProp("upstreamguard.retry.backoff.max", "40ms")
                .sysProp(
                        "upstreamguard.dependencies",
                        "inventory=localhost:" + inventory.port() + ",pricing=localhost:" + pricing.port())
                .sysProp("jdk.net.hosts.file", hosts.toAbsolutePath().toString())
                .sysProp("otel.service.name", "spring-boot-sample")
                .sysProp("otel.exporter.otlp.endpoint", receiver.endpoint())
                .sysProp("otel.bsp.schedule.delay", "50")
                .sysProp("otel.metrics.exporter", "none")
                .sysProp("otel.logs.exporter", "none")
                .jar(
                        existing("app.jar"),
                        "--server.address=127.0.0.1",
                        "--server.port=" + port,
                        "--inventory.url=http://localhost:" + inventory.port(),
                        "--pricing.url=http://localhost:" + pricing.port(),
                        // Spring Boot's error page at its most talkative: none of it may reach an upstream failure's
                        // answer.
                        "--server.error.include-stacktrace=always",
                        "--server.error.include-message=always",
                        "--server.error.include-exception=true")
                .start();
        awaitHealthy(Duration.ofSeconds(90));
    }

    @AfterAll
    void stopApplication() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            inventory.close();
            pricing.close();
            receiver.close();
        }
    }

    @AfterEach
    void resetUpstreams() {
        inventory.reset();
        pricing.reset();
    }

    @Test
    void aFailedInventoryIsA502ProblemWhoseTraceIdIsTheServerSpansTraceWithEveryAttempt() throws Exception {
        inventory.otherwise(Fault.status(503));

        HttpResponse<String> answer = get("/products/42/stock");

        checkProblemAndTrace(answer, "inventory", inventory);
    }

    @Test
    void aFailedPricingIsA502ProblemWhoseTraceIdIsTheServerSpansTraceWithEveryAttempt() throws Exception {
        pricing.otherwise(Fault.status(503));

        HttpResponse<String> answer = get("/products/42/price");

        checkProblemAndTrace(answer, "pricing", pricing);
    }

    @Test
    void aRetriedFailureThatThenSucceedsIsTheApplicationsAnswer() throws Exception {
        inventory.enqueue(Fault.status(503)).otherwise(Fault.ok("7 in stock"));
        pricing.enqueue(Fault.status(503)).otherwise(Fault.ok("9.90"));

        assertThat(get("/products/42/stock").body()).isEqualTo("7 in stock");
        assertThat(get("/products/42/price").body()).isEqualTo("9.90");
        assertThat(inventory.hits()).isEqualTo(2);
        assertThat(pricing.hits()).isEqualTo(2);
    }

    @Test
    void theApplicationsOwnBugIsSpringBootsErrorAnswerNotAProblem() throws Exception {
        HttpResponse<String> answer = get("/products/42/reviews");

        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(500);
        assertThat(contentType(answer)).doesNotStartWith("application/problem+json");
        // Spring Boot's error attributes, with the settings of this test: the filter stayed out of the way.
        assertThat(answer.body())
                .contains("\"status\":500")
                .contains("\"path\":\"/products/42/reviews\"")
                .contains("IllegalStateException")
                .doesNotContain("upstreamguard.dev/problems")
                .doesNotContain("traceId");
    }

    @Test
    void springsOwnErrorAnswersAreLeftAlone() throws Exception {
        HttpResponse<String> answer = get("/no/such/page");

        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("upstreamguard.dev/problems").doesNotContain("traceId");
    }

    @Test
    void actuatorHealthIsUntouched() throws Exception {
        HttpResponse<String> answer = get("/actuator/health");

        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(200);
        assertThat(contentType(answer)).startsWith("application/vnd.spring-boot.actuator");
        assertThat(answer.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(answer.headers().firstValue("traceresponse")).isEmpty();
    }

    /** The filter's answer, and the trace it names: one SERVER span and under it every CLIENT attempt. */
    private void checkProblemAndTrace(HttpResponse<String> answer, String dependency, FaultyUpstream upstream) {
        String shown = describe(answer);
        assertThat(answer.statusCode()).as(shown).isEqualTo(502);
        assertThat(contentType(answer)).as(shown).startsWith("application/problem+json");
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(member(answer, "failure")).as(shown).isEqualTo("status");
        assertThat(member(answer, "dependency")).as(shown).isEqualTo(dependency);
        // Spring Boot's error settings do not reach it: no exception, message or stack trace.
        assertThat(answer.body())
                .as(shown)
                .doesNotContain("\"trace\"")
                .doesNotContain("\"exception\"")
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("127.0.0.1");
        String traceId = member(answer, "traceId");
        assertThat(traceId).as(shown).matches("[0-9a-f]{32}");

        List<ReceivedSpan> trace = receiver.awaitSpans(s -> s.traceId().equals(traceId), 4, SPANS_TIMEOUT);
        String shape = trace.stream().map(ReceivedSpan::toString).collect(Collectors.joining("\n"));
        List<ReceivedSpan> servers =
                trace.stream().filter(s -> s.kind().equals("SERVER")).toList();
        assertThat(servers).as(shape).hasSize(1);
        ReceivedSpan server = servers.get(0);
        assertThat(server.scopeName()).as(shape).isEqualTo(AGENT_SCOPE);
        assertThat(answer.headers().firstValue("traceresponse"))
                .as(shown)
                .hasValueSatisfying(v -> assertThat(v).matches("00-" + traceId + "-" + server.spanId() + "-0[13]"));
        assertThat(server.statusCode()).as(shape).isEqualTo("ERROR");
        assertThat(server.attr("upstreamguard.failed.dependency")).as(shape).isEqualTo(dependency);
        assertThat(server.attr("upstreamguard.failure")).as(shape).isEqualTo("status");
        assertThat(server.longAttr("upstreamguard.attempts")).as(shape).isEqualTo(3L);
        assertThat(server.longAttr("http.response.status_code")).as(shape).isEqualTo(502L);

        List<ReceivedSpan> attempts =
                trace.stream().filter(s -> s.kind().equals("CLIENT")).toList();
        assertThat(attempts).as(shape).hasSize(3).allSatisfy(attempt -> {
            assertThat(attempt.parentSpanId()).isEqualTo(server.spanId());
            assertThat(attempt.longAttr("http.response.status_code")).isEqualTo(503L);
            assertThat(attempt.attr("peer.service")).isEqualTo(dependency);
        });
        assertThat(upstream.hits()).isEqualTo(3);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("the application ended before it was healthy\n" + app.output());
            }
            try {
                if (get("/actuator/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "the application was not healthy within " + timeout.toSeconds() + " s\n" + app.output());
    }

    private static String member(HttpResponse<String> answer, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(answer.body());
        return matcher.find() ? matcher.group(1) : null;
    }

    private static String contentType(HttpResponse<String> answer) {
        return answer.headers().firstValue("Content-Type").orElse("");
    }

    private String describe(HttpResponse<String> answer) {
        return answer.statusCode() + " " + answer.headers().map() + "\n" + answer.body() + "\n" + app.output();
    }

    private static Path existing(String key) {
        String value = System.getProperty(key);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException(
                    "system property " + key + " (" + value + ") names no file; run the build "
                            + "from the root (mvn -B verify -pl samples/spring-boot3 -am) so the agent and the fat jar are there");
        }
        return Path.of(value).toAbsolutePath();
    }
}
