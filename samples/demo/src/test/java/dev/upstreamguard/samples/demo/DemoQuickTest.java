package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Jaeger;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short demo run with the real agent jar, asserting what the demo claims from its measurements. */
class DemoQuickTest {

    @Test
    @Timeout(120)
    void theGuardedStorefrontTurnsTransientFailuresIntoSuccessesAndPersistentOnesInto502Or504() throws Exception {
        Path agent = Path.of(System.getProperty("upstreamguard.demo.agent"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoReport report;
        long start = System.nanoTime();
        // With the Jaeger that tools/jaeger/build.sh built (as --jaeger does); CI must have it.
        DemoJaeger jaeger = DemoJaeger.find(Path.of(""));
        if (jaeger == null && Jaeger.underCi()) {
            throw new AssertionError("CI=true and " + DemoJaeger.notFound(Path.of("")));
        }
        List<ReceivedSpan> inJaeger;
        try (Demo demo = new Demo(
                DemoSettings.quick(agent, false, jaeger == null ? null : jaeger.otlpEndpoint()),
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                jaeger)) {
            report = demo.run();
            inJaeger = demo.jaegerTrace();
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));
        assertThat(report.of(true, ChaosMode.HEALTHY).successPercent()).isEqualTo(100);
        assertThat(report.of(false, ChaosMode.HEALTHY).successPercent()).isEqualTo(100);
        assertThat(report.of(true, ChaosMode.FLAKY).successPercent())
                .isGreaterThan(report.of(false, ChaosMode.FLAKY).successPercent());
        // the agent's retries reached the upstreams
        assertThat(report.of(true, ChaosMode.FLAKY).upstreamAttempts())
                .isGreaterThan(report.of(false, ChaosMode.FLAKY).upstreamAttempts());
        for (ChaosMode persistent : new ChaosMode[] {ChaosMode.SLOW, ChaosMode.DOWN}) {
            PhaseResult guarded = report.of(true, persistent);
            assertThat(guarded.failures()).hasSize(guarded.calls().size()).allSatisfy(call -> {
                assertThat(call.status()).isIn(502, 503, 504);
                assertThat(call.traceId()).isNotNull();
            });
            assertThat(report.of(false, persistent).failures()).isNotEmpty().noneMatch(CallerResult::problemJson);
        }
        // timeouts (504) until the breakers open, then fast 503s; refusals (502), then 503s
        assertThat(report.of(true, ChaosMode.SLOW).outcomes().keySet())
                .isSubsetOf("504", "503")
                .contains("504");
        assertThat(report.of(true, ChaosMode.DOWN).outcomes().keySet())
                .isSubsetOf("502", "503")
                .contains("503");
        List<Long> rejectedMillis = report.of(true, ChaosMode.DOWN).failures().stream()
                .filter(call -> call.status() == 503)
                .map(CallerResult::millis)
                .sorted()
                .toList();
        assertThat(rejectedMillis.get(rejectedMillis.size() / 2))
                .as("median ms of the 503s")
                .isLessThan(200);
        assertThat(report.rejectedTrace()).anySatisfy(span -> {
            assertThat(span.kind()).isEqualTo("CLIENT");
            assertThat(span.attr("error.type")).isEqualTo("circuit-open");
            assertThat(span.attr("upstreamguard.breaker.state")).isEqualTo("open");
        });
        // the filter links the rejection the application threw to the rejected call: it names the dependency
        assertThat(report.rejectedTrace()).anySatisfy(span -> {
            assertThat(span.kind()).isEqualTo("SERVER");
            assertThat(span.attr("upstreamguard.failed.dependency")).isEqualTo("inventory");
            assertThat(span.attr("upstreamguard.failure")).isEqualTo("circuit-open");
        });

        // after the down phase: the health answer (from memory, at once) and the counts exported over OTLP
        assertThat(output)
                .containsPattern("GET /upstream-guard/health -> 200 \\{\"status\":\"UP\",\"dependencies\":\\{")
                .containsPattern("calls +inventory +.*exhausted=\\d+")
                .containsPattern("retries +inventory +[a-z-]+=\\d+")
                .containsPattern("breaker transitions +inventory +.*open=\\d+");
        assertThat(report.traceId()).isNotNull();
        assertThat(report.trace())
                .as("the failed request's spans, received over OTLP")
                .isNotEmpty();
        assertThat(report.trace()).allSatisfy(span -> assertThat(span.traceId()).isEqualTo(report.traceId()));
        ReceivedSpan server = report.trace().stream()
                .filter(span -> span.kind().equals("SERVER"))
                .findFirst()
                .orElseThrow();
        assertThat(server.attr("upstreamguard.failed.dependency")).isIn("inventory", "pricing");
        assertThat(report.trace()).anySatisfy(span -> {
            assertThat(span.kind()).isEqualTo("CLIENT");
            assertThat(span.parentSpanId()).isEqualTo(server.spanId());
            assertThat(span.attr("upstreamguard.attempt")).isNotNull();
        });

        assertThat(output)
                .contains(
                        "phase",
                        "unguarded",
                        "guarded",
                        "SERVER GET",
                        "CLIENT GET",
                        "Measured in this run",
                        "circuit breaker is open",
                        "fast 503s from an open circuit breaker");
        assertThat(output).contains("Chart of this run: " + DemoChart.folder().resolve("demo-report.svg"));
        if (jaeger == null) {
            assertThat(output).contains("docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one");
        } else {
            // Jaeger's trace of the failed request is the receiver's: the same spans, parents and failure attributes.
            assertThat(inJaeger).hasSize(report.trace().size());
            assertThat(DemoJaeger.difference(report.trace(), inJaeger)).isNull();
            assertThat(report.jaegerLink()).endsWith("/api/traces/" + report.traceId());
            assertThat(output).contains("Jaeger and the receiver agree", report.jaegerLink());
        }
    }
}
