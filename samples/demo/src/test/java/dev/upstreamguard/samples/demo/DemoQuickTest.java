package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.ReceivedSpan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short demo run with the real agent jar, asserting what the demo claims from its measurements. */
class DemoQuickTest {

  @Test
  @Timeout(120)
  void theGuardedStorefrontTurnsTransientFailuresIntoSuccessesAndPersistentOnesInto502Or504()
      throws Exception {
    Path agent = Path.of(System.getProperty("upstreamguard.demo.agent"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    DemoReport report;
    long start = System.nanoTime();
    try (Demo demo = new Demo(DemoSettings.quick(agent, false, null),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      report = demo.run();
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
        assertThat(call.status()).isIn(502, 504);
        assertThat(call.traceId()).isNotNull();
      });
      assertThat(report.of(false, persistent).failures()).isNotEmpty()
          .noneMatch(CallerResult::problemJson);
    }
    assertThat(report.of(true, ChaosMode.SLOW).outcomes()).containsOnlyKeys("504");
    assertThat(report.of(true, ChaosMode.DOWN).outcomes()).containsOnlyKeys("502");

    // after the down phase: the health answer (from memory, at once) and the counts exported over OTLP
    assertThat(output).containsPattern("GET /upstream-guard/health -> 200 \\{\"status\":\"UP\",\"dependencies\":\\{")
        .containsPattern("calls +inventory +.*exhausted=\\d+")
        .containsPattern("retries +inventory +[a-z-]+=\\d+")
        .containsPattern("breaker transitions +inventory +.*open=\\d+");
    assertThat(report.traceId()).isNotNull();
    assertThat(report.trace()).allSatisfy(span -> assertThat(span.traceId()).isEqualTo(report.traceId()));
    ReceivedSpan server = report.trace().stream().filter(span -> span.kind().equals("SERVER"))
        .findFirst().orElseThrow();
    assertThat(server.attr("upstreamguard.failed.dependency")).isIn("inventory", "pricing");
    assertThat(report.trace()).anySatisfy(span -> {
      assertThat(span.kind()).isEqualTo("CLIENT");
      assertThat(span.parentSpanId()).isEqualTo(server.spanId());
      assertThat(span.attr("upstreamguard.attempt")).isNotNull();
    });

    assertThat(output).contains("phase", "unguarded", "guarded", "SERVER GET", "CLIENT GET",
        "docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one", "Measured in this run");
  }
}
