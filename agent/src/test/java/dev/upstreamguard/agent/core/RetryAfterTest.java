package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Retry-After} values: delay-seconds and the three HTTP-date formats of RFC 9110. */
class RetryAfterTest {

    /** 2026-01-01T00:00:00Z, a Thursday. */
    private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @Test
    void delaySecondsBecomeMilliseconds() {
        assertThat(RetryAfter.parseMillis("120", NOW)).isEqualTo(120_000);
    }

    @Test
    void zeroSecondsMeansRetryNow() {
        assertThat(RetryAfter.parseMillis("0", NOW)).isZero();
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(RetryAfter.parseMillis("  7 ", NOW)).isEqualTo(7_000);
    }

    @Test
    void hugeDelaySecondsAreClampedInsteadOfOverflowing() {
        assertThat(RetryAfter.parseMillis("99999999999999999999", NOW)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void largestUnclampedDelaySecondsAreExact() {
        assertThat(RetryAfter.parseMillis("999999999999999", NOW)).isEqualTo(999_999_999_999_999_000L);
    }

    @ParameterizedTest(name = "\"{0}\" is ignored")
    @ValueSource(
            strings = {
                "",
                "   ",
                "soon",
                "1.5",
                "-5",
                "+5",
                "5s",
                "0x10",
                "Thu, 32 Jan 2026 00:00:00 GMT",
                "2026-01-01T00:00:05Z"
            })
    void garbageAndNegativeValuesAreInvalid(String value) {
        assertThat(RetryAfter.parseMillis(value, NOW)).isEqualTo(RetryAfter.INVALID);
    }

    @ParameterizedTest
    @NullSource
    void absentValueIsInvalid(String value) {
        assertThat(RetryAfter.parseMillis(value, NOW)).isEqualTo(RetryAfter.INVALID);
    }

    @Test
    void overlongValueIsInvalid() {
        assertThat(RetryAfter.parseMillis("1".repeat(65), NOW)).isEqualTo(RetryAfter.INVALID);
    }

    @Test
    void imfFixdateInTheFutureIsTheTimeUntilThen() {
        assertThat(RetryAfter.parseMillis("Thu, 01 Jan 2026 00:00:05 GMT", NOW)).isEqualTo(5_000);
    }

    @Test
    void imfFixdateInThePastMeansRetryNow() {
        assertThat(RetryAfter.parseMillis("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isZero();
    }

    @Test
    void rfc850DateInTheFutureIsTheTimeUntilThen() {
        assertThat(RetryAfter.parseMillis("Thursday, 01-Jan-26 00:00:30 GMT", NOW))
                .isEqualTo(30_000);
    }

    @Test
    void rfc850DateInThePastOfThisCenturyMeansRetryNow() {
        assertThat(RetryAfter.parseMillis("Saturday, 06-Nov-04 08:49:37 GMT", NOW))
                .isZero();
    }

    @Test
    void rfc850DateOfTheLastCenturyMeansRetryNow() {
        // RFC 9110 section 5.6.7's own example: a two-digit year more than 50 years ahead is in the past century
        assertThat(RetryAfter.parseMillis("Sunday, 06-Nov-94 08:49:37 GMT", NOW))
                .isZero();
    }

    @Test
    void asctimeDateInTheFutureIsTheTimeUntilThen() {
        assertThat(RetryAfter.parseMillis("Thu Jan  1 00:01:00 2026", NOW)).isEqualTo(60_000);
    }

    @Test
    void asctimeDateInThePastMeansRetryNow() {
        assertThat(RetryAfter.parseMillis("Sun Nov  6 08:49:37 1994", NOW)).isZero();
    }

    @Test
    void dateExactlyNowMeansRetryNow() {
        assertThat(RetryAfter.parseMillis("Thu, 01 Jan 2026 00:00:00 GMT", NOW)).isZero();
    }
}
