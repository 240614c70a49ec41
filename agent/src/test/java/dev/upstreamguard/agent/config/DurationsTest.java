package dev.upstreamguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations as users write them: {@code 250ms}, {@code 2s}, {@code 1m}. */
class DurationsTest {

    @ParameterizedTest(name = "\"{0}\" is {1} ms")
    @CsvSource({
        "250ms, 250",
        "2s, 2000",
        "1m, 60000",
        "1h, 3600000",
        "0ms, 0",
        "0s, 0",
        "'  2S ', 2000",
        "'1500 ms', 1500",
        "10M, 600000",
        "999999999999h, 3599999999996400000"
    })
    void parsesEachUnit(String text, long millis) {
        assertThat(Durations.parseMillis(text)).isEqualTo(millis);
    }

    @ParameterizedTest(name = "\"{0}\" is not a duration")
    @ValueSource(
            strings = {
                "",
                " ",
                "ms",
                "ten",
                "5",
                "1.5s",
                "-1s",
                "+1s",
                "2d",
                "2 seconds",
                "1m30s",
                "s2",
                "1000000000000ms"
            })
    void rejectsWhatIsNoDuration(String text) {
        assertThat(Durations.parseMillis(text)).isEqualTo(Durations.INVALID);
    }

    @ParameterizedTest
    @NullSource
    void rejectsNull(String text) {
        assertThat(Durations.parseMillis(text)).isEqualTo(Durations.INVALID);
    }

    @ParameterizedTest(name = "{0} ms is written \"{1}\"")
    @CsvSource({"0, 0ms", "50, 50ms", "1500, 1500ms", "2000, 2s", "90000, 90s", "60000, 1m", "7200000, 2h"})
    void formatsInTheShortestExactUnit(long millis, String text) {
        assertThat(Durations.format(millis)).isEqualTo(text);
    }

    @Test
    void formattedValuesParseBack() {
        for (long millis : new long[] {1, 999, 1_000, 61_000, 3_600_000, 86_400_000}) {
            assertThat(Durations.parseMillis(Durations.format(millis))).isEqualTo(millis);
        }
    }
}
