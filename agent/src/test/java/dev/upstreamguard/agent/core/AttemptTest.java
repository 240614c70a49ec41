package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an adapter takes from an {@link Attempt}: its headers (through a {@link HeaderSetter}) and its timeouts. */
class AttemptTest {

    private static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final HeaderSetter<Map<String, String>> MAP = Map::put;

    @Test
    void writesTheTraceContextThroughTheSetter() {
        Attempt attempt = new Attempt(2, 1_000, 2_000, 5_000, true, PARENT, "vendor=v1", null, Attempt.NO_DEADLINE);
        Map<String, String> carrier = new LinkedHashMap<>();

        attempt.writeHeaders(carrier, MAP);

        assertThat(carrier).containsExactly(Map.entry("traceparent", PARENT), Map.entry("tracestate", "vendor=v1"));
        assertThat(attempt.hasHeaders()).isTrue();
        assertThat(attempt.writesHeader("TraceParent")).isTrue();
        assertThat(attempt.writesHeader("tracestate")).isTrue();
        assertThat(attempt.writesHeader("accept")).isFalse();
    }

    @Test
    void noTracestateIsWrittenWhenTheSpanHasNone() {
        Attempt attempt = new Attempt(1, 1_000, 2_000, 5_000, true, PARENT, null, null, Attempt.NO_DEADLINE);
        Map<String, String> carrier = new LinkedHashMap<>();

        attempt.writeHeaders(carrier, MAP);

        assertThat(carrier).containsOnlyKeys("traceparent");
    }

    @Test
    void theTimeLeftOfARequestWithADeadlineIsWrittenAndReplacesTheApplicationsValue() {
        Attempt attempt = new Attempt(1, 1_000, 2_000, 450, true, null, null, null, 450);
        Map<String, String> carrier = new LinkedHashMap<>();

        attempt.writeHeaders(carrier, MAP);

        assertThat(carrier).containsExactly(Map.entry("X-Request-Timeout-Ms", "450"));
        assertThat(attempt.hasHeaders()).isTrue();
        assertThat(attempt.writesHeader("x-request-timeout-ms")).isTrue();
        assertThat(attempt.writesHeader("traceparent")).isFalse();
        assertThat(Attempt.UNGUARDED.writesHeader("X-Request-Timeout-Ms")).isFalse();
    }

    @Test
    void anAttemptWithoutTracingWritesNothingAndLeavesTheApplicationsHeaders() {
        Map<String, String> carrier = new LinkedHashMap<>();

        Attempt.UNGUARDED.writeHeaders(carrier, MAP);

        assertThat(carrier).isEmpty();
        assertThat(Attempt.UNGUARDED.hasHeaders()).isFalse();
        assertThat(Attempt.UNGUARDED.writesHeader("traceparent")).isFalse();
    }

    @Test
    void aTimeoutForAClientApiIsNeverZeroNorOverflows() {
        assertThat(Attempt.clientMillis(0)).isEqualTo(1); // 0 would mean "wait forever" to the client
        assertThat(Attempt.clientMillis(-5)).isEqualTo(1);
        assertThat(Attempt.clientMillis(250)).isEqualTo(250);
        assertThat(Attempt.clientMillis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }
}
