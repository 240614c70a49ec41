package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The deadline a request arrives with, read from its headers and the {@code request-timeout} init-param. */
class InboundDeadlineTest {
    private static final long MS = 1_000_000L;
    private final CapturedLog log = new CapturedLog();

    @BeforeEach
    void logAfresh() {
        InboundDeadline.forgetLogged();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    private static Enumeration<String> values(String... values) {
        return Collections.enumeration(List.of(values));
    }

    private static long timeout(long configured, String timeoutMs, String grpcTimeout) {
        return InboundDeadline.timeoutNanos(
                configured,
                timeoutMs == null ? values() : values(timeoutMs),
                grpcTimeout == null ? values() : values(grpcTimeout));
    }

    @ParameterizedTest(name = "X-Request-Timeout-Ms: {0}")
    @CsvSource({"500, 500000000", "1, 1000000", "' 250 ', 250000000", "86400000, 86400000000000", "00000500, 500000000"
    })
    void millisecondsAreRead(String value, long nanos) {
        assertThat(timeout(InboundDeadline.NONE, value, null)).isEqualTo(nanos);
        assertThat(log.records()).isEmpty();
    }

    @ParameterizedTest(name = "grpc-timeout: {0}")
    @CsvSource({
        "1H, 3600000000000",
        "2M, 120000000000",
        "3S, 3000000000",
        "500m, 500000000",
        "500000u, 500000000",
        "50000000n, 50000000",
        "1n, 1",
        "99999999n, 99999999",
        "24H, 86400000000000",
        "' 7S\t', 7000000000"
    })
    void everyGrpcUnitIsRead(String value, long nanos) {
        assertThat(timeout(InboundDeadline.NONE, null, value)).isEqualTo(nanos);
        assertThat(log.records()).isEmpty();
    }

    @ParameterizedTest(name = "X-Request-Timeout-Ms: \"{0}\"")
    @ValueSource(
            strings = {
                "-500",
                "0",
                "00000000",
                "abc",
                "5e2",
                "500ms",
                "0x1F4",
                "+500",
                "123456789",
                "99999999",
                "500, 600",
                "500,600",
                "",
                " ",
                "5 00",
                "\u0665\u0660\u0660",
                "１２"
            })
    void invalidMillisecondsAreIgnoredWithOneLogLineAtMost(String value) {
        assertThat(timeout(InboundDeadline.NONE, value, null)).isEqualTo(InboundDeadline.NONE);
        assertThat(timeout(2_000 * MS, value, null)).isEqualTo(2_000 * MS);
        assertThat(log.records()).hasSize(1);
    }

    @ParameterizedTest(name = "grpc-timeout: \"{0}\"")
    @ValueSource(
            strings = {
                "-5S",
                "0S",
                "0m",
                "5",
                "S",
                "5s",
                "5h",
                "5ms",
                "5X",
                "123456789S",
                "99999999H",
                "25H",
                "1.5S",
                "5S,6S",
                "",
                "5 S",
                "S5"
            })
    void invalidGrpcTimeoutsAreIgnoredWithOneLogLineAtMost(String value) {
        assertThat(timeout(InboundDeadline.NONE, null, value)).isEqualTo(InboundDeadline.NONE);
        assertThat(timeout(2_000 * MS, null, value)).isEqualTo(2_000 * MS);
        assertThat(log.records()).hasSize(1);
    }

    @Test
    void aHeaderSentTwiceIsIgnored() {
        assertThat(InboundDeadline.timeoutNanos(InboundDeadline.NONE, values("500", "500"), values()))
                .isEqualTo(InboundDeadline.NONE);
        assertThat(InboundDeadline.timeoutNanos(InboundDeadline.NONE, values(), values("1S", "2S")))
                .isEqualTo(InboundDeadline.NONE);
    }

    @Test
    void theSmallestOfTheThreeWins() {
        assertThat(timeout(3_000 * MS, "2000", "1S")).isEqualTo(1_000 * MS);
        assertThat(timeout(3_000 * MS, "700", "1S")).isEqualTo(700 * MS);
        assertThat(timeout(300 * MS, "700", "1S")).isEqualTo(300 * MS);
        assertThat(timeout(InboundDeadline.NONE, "700", null)).isEqualTo(700 * MS);
        assertThat(timeout(InboundDeadline.NONE, null, null)).isEqualTo(InboundDeadline.NONE);
        assertThat(InboundDeadline.timeoutNanos(400 * MS, null, null)).isEqualTo(400 * MS);
    }

    @Test
    void anInvalidHeaderDoesNotHideAValidOne() {
        assertThat(timeout(InboundDeadline.NONE, "soon", "250m")).isEqualTo(250 * MS);
    }

    @Test
    void aFloodOfInvalidValuesLogsOneLine() {
        for (int i = 0; i < 1_000; i++) {
            timeout(InboundDeadline.NONE, "-" + i, "x" + i);
        }

        assertThat(log.records()).hasSize(1);
        assertThat(log.messages().get(0))
                .contains("X-Request-Timeout-Ms")
                .contains("grpc-timeout")
                .contains("once")
                .doesNotContain("x999");
    }
}
