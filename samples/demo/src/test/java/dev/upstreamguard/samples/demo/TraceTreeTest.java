package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.ReceivedSpan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceTreeTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final long T0 = 1_700_000_000_000_000_000L;

    private final List<ReceivedSpan> spans = List.of(
            span(
                    "c2",
                    "s1",
                    "CLIENT",
                    40,
                    45,
                    Map.of(
                            "upstreamguard.dependency",
                            "pricing",
                            "upstreamguard.attempt",
                            2L,
                            "http.response.status_code",
                            503L,
                            "upstreamguard.failure",
                            "status",
                            "upstreamguard.outcome",
                            "exhausted")),
            span(
                    "s1",
                    "",
                    "SERVER",
                    0,
                    60,
                    Map.of(
                            "url.path",
                            "/product/p-1",
                            "http.response.status_code",
                            502L,
                            "upstreamguard.failed.dependency",
                            "pricing",
                            "upstreamguard.failure",
                            "status",
                            "upstreamguard.attempts",
                            2L)),
            span(
                    "c1",
                    "s1",
                    "CLIENT",
                    2,
                    12,
                    Map.of(
                            "upstreamguard.dependency",
                            "pricing",
                            "upstreamguard.attempt",
                            1L,
                            "upstreamguard.failure",
                            "reset")));

    @Test
    void drawsTheServerSpanAndItsAttemptsInTimeOrder() {
        String tree = new TraceTree(spans, false).render();

        assertThat(tree.lines())
                .containsExactly(
                        "SERVER GET /product/p-1  +0 ms, 60.0 ms  → 502  failed dependency: pricing  failure: status"
                                + "  attempts: 2  service: storefront",
                        "├─ CLIENT GET pricing attempt 1  +2 ms, 10.0 ms  reset",
                        "└─ CLIENT GET pricing attempt 2  +40 ms, 5.0 ms  → 503  status  outcome: exhausted");
    }

    @Test
    void highlightsTheFailedDependencyOnlyWithColours() {
        assertThat(new TraceTree(spans, true).render()).contains("\u001b[31;1mpricing\u001b[0m");
        assertThat(new TraceTree(spans, false).render()).doesNotContain("\u001b[");
    }

    private static ReceivedSpan span(
            String id, String parent, String kind, long startMs, long endMs, Map<String, Object> attributes) {
        return new ReceivedSpan(
                TRACE,
                id,
                parent,
                "GET",
                kind,
                T0 + startMs * 1_000_000,
                T0 + endMs * 1_000_000,
                new LinkedHashMap<>(attributes),
                "UNSET",
                "",
                List.of(),
                Map.of("service.name", "storefront"),
                "test");
    }
}
