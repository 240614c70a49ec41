package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceIdsTest {
    @Test
    void masksTheTraceIdThatOnceFailedALeakCheck() {
        // The body of a CI run whose random trace id contained "5432", the port the test forbids.
        String body =
                "{\"status\":502,\"traceId\":\"2a928e2505663c05543292a6f98df7cb\",\"failure\":\"connect-failure\"}";

        assertThat(TraceIds.masked(body))
                .isEqualTo("{\"status\":502,\"traceId\":\"<trace-id>\",\"failure\":\"connect-failure\"}")
                .doesNotContain("5432");
    }

    @Test
    void masksTheTraceIdInTheHtmlAnswer() {
        assertThat(TraceIds.masked("<dd>4bf92f3577b34da6a3ce929d0e0e4736</dd>")).isEqualTo("<dd><trace-id></dd>");
    }

    @Test
    void leavesShorterAndLongerHexRunsAndAddressesAlone() {
        String text = "db-3.internal:5432 span 00f067aa0ba902b7 and 4bf92f3577b34da6a3ce929d0e0e47361";

        assertThat(TraceIds.masked(text)).isEqualTo(text);
    }
}
