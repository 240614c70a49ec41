package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.ReceivedSpan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoJaegerTest {

    private static ReceivedSpan span(String id, String parent, String kind, Map<String, Object> attributes) {
        return new ReceivedSpan(
                "0af7651916cd43dd8448eb211c80319c",
                id,
                parent,
                "GET",
                kind,
                1_000,
                2_000,
                attributes,
                "ERROR",
                "",
                List.of(),
                Map.of("service.name", "storefront"),
                "dev.upstreamguard.agent");
    }

    private static final ReceivedSpan SERVER = span(
            "b7ad6b7169203331", "", "SERVER", Map.of("upstreamguard.failure", "status", "upstreamguard.attempts", 3L));
    private static final ReceivedSpan ATTEMPT = span(
            "00f067aa0ba902b7",
            "b7ad6b7169203331",
            "CLIENT",
            Map.of("peer.service", "inventory", "http.response.status_code", 503L));

    @Test
    void theSameSpansAgree() {
        assertThat(DemoJaeger.difference(List.of(SERVER, ATTEMPT), List.of(ATTEMPT, SERVER)))
                .isNull();
    }

    @Test
    void aMissingSpanAnotherParentOrAnotherFailureAttributeIsADifference() {
        assertThat(DemoJaeger.difference(List.of(SERVER, ATTEMPT), List.of(SERVER)))
                .isEqualTo("the receiver has 2 spans, Jaeger 1");
        assertThat(DemoJaeger.difference(
                        List.of(SERVER, ATTEMPT),
                        List.of(SERVER, span("00f067aa0ba902b7", "", "CLIENT", ATTEMPT.attributes()))))
                .isEqualTo("span 00f067aa0ba902b7: parent is b7ad6b7169203331 in the receiver,  in Jaeger");
        assertThat(DemoJaeger.difference(
                        List.of(SERVER, ATTEMPT),
                        List.of(
                                SERVER,
                                span(
                                        "00f067aa0ba902b7",
                                        "b7ad6b7169203331",
                                        "CLIENT",
                                        Map.of("peer.service", "pricing", "http.response.status_code", 503L)))))
                .isEqualTo("span 00f067aa0ba902b7: peer.service is inventory in the receiver, pricing in Jaeger");
    }
}
