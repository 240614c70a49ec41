package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamFailureLogTest {
    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void nothingFromARequestOrARemotePartyCanSplitOrForgeALine() {
        UpstreamFailure failure = new UpstreamFailure(
                UpstreamFailureKind.CONNECT_FAILURE,
                "inventory\r\nWARNING: forged",
                "evil\u2028host:1",
                2,
                "java.net.ConnectException");

        UpstreamFailureLog.log(failure, new ConnectException(), "GE\rT", "/orders\n/42\u0085", "abc", 502);

        assertThat(log.messages())
                .singleElement()
                .isEqualTo(
                        "Upstream failure: connect-failure"
                                + " dependency=inventory??WARNING: forged address=evil?host:1 attempts=2"
                                + " exception=java.net.ConnectException request=\"GE?T /orders?/42?\" traceId=abc answered=502");
    }

    @Test
    void longValuesAreCut() {
        assertThat(UpstreamFailureLog.clean("x".repeat(500))).hasSize(203).endsWith("...");
        assertThat(UpstreamFailureLog.clean(null)).isEmpty();
    }
}
