package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Full-jitter delay maths: {@code [0, min(max, initial * 2^(n-1))]}, chosen by the random passed in. */
class BackoffTest {

    @ParameterizedTest(name = "retry {0}: ceiling {1} ms")
    @CsvSource({"1, 50", "2, 100", "3, 200", "4, 400", "5, 800", "6, 1000", "7, 1000", "100, 1000"})
    void ceilingDoublesFromInitialUpToMax(int retry, long expected) {
        assertThat(Backoff.ceilingMillis(50, 1_000, retry)).isEqualTo(expected);
    }

    @Test
    void ceilingNeverOverflowsForManyRetries() {
        long day = 24L * 60 * 60 * 1000;

        assertThat(Backoff.ceilingMillis(day, day, 100)).isEqualTo(day);
        assertThat(Backoff.ceilingMillis(1, day, Integer.MAX_VALUE)).isEqualTo(day);
    }

    @Test
    void initialAboveMaxIsCappedAtMax() {
        assertThat(Backoff.ceilingMillis(5_000, 1_000, 1)).isEqualTo(1_000);
        assertThat(Backoff.delayMillis(5_000, 1_000, 1, 0.999_999)).isEqualTo(1_000);
    }

    @Test
    void zeroInitialMeansNoWait() {
        assertThat(Backoff.delayMillis(0, 1_000, 5, 0.999_999)).isZero();
    }

    @Test
    void randomZeroWaitsNothing() {
        assertThat(Backoff.delayMillis(50, 1_000, 3, 0.0)).isZero();
    }

    @Test
    void randomJustBelowOneWaitsTheWholeCeiling() {
        double almostOne = Math.nextDown(1.0);

        assertThat(Backoff.delayMillis(50, 1_000, 1, almostOne)).isEqualTo(50);
        assertThat(Backoff.delayMillis(50, 1_000, 3, almostOne)).isEqualTo(200);
        assertThat(Backoff.delayMillis(50, 1_000, 9, almostOne)).isEqualTo(1_000);
    }

    @ParameterizedTest(name = "random {0} on retry 2 (ceiling 100) waits {1} ms")
    @CsvSource({"0.5, 50", "0.25, 25", "0.1, 10", "0.999, 100", "0.0099, 0"})
    void delayIsTheRandomShareOfTheClosedInterval(double random, long expected) {
        // 101 whole-millisecond values in [0, 100]: floor(random * 101)
        assertThat(Backoff.delayMillis(50, 1_000, 2, random)).isEqualTo(expected);
    }

    @Test
    void everyRandomInTheUnitIntervalGivesAWaitWithinTheCeiling() {
        for (int i = 0; i < 1_000; i++) {
            double random = i / 1_000.0;
            assertThat(Backoff.delayMillis(50, 1_000, 4, random)).isBetween(0L, 400L);
        }
    }
}
