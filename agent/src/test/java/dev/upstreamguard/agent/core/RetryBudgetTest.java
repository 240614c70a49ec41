package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The per-dependency retry budget: a retry is allowed while
 * {@code retries + 1 <= percent% * requests + minPerSecond * 10} over the last ten one-second slots.
 */
class RetryBudgetTest {

    private static final long SECOND = 1_000_000_000L;
    /** An arbitrary non-zero origin, so nothing depends on time starting at zero. */
    private static final long T0 = 123 * SECOND;

    private static int acquireAll(RetryBudget budget, long now, int tries) {
        int granted = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.tryAcquireRetry(now)) {
                granted++;
            }
        }
        return granted;
    }

    private static void record(RetryBudget budget, long now, int requests) {
        for (int i = 0; i < requests; i++) {
            budget.recordRequest(now);
        }
    }

    @Test
    void percentOfRequestsIsTheAllowanceWithoutAMinimum() {
        RetryBudget budget = new RetryBudget(20, 0);
        record(budget, T0, 10);

        assertThat(acquireAll(budget, T0, 5)).isEqualTo(2);
    }

    @Test
    void fractionalAllowanceRoundsDown() {
        RetryBudget budget = new RetryBudget(20, 0);
        record(budget, T0, 14); // 2.8 retries

        assertThat(acquireAll(budget, T0, 5)).isEqualTo(2);
    }

    @Test
    void allowanceIsReachedExactly() {
        RetryBudget budget = new RetryBudget(20, 0);
        record(budget, T0, 15); // exactly 3 retries

        assertThat(acquireAll(budget, T0, 5)).isEqualTo(3);
    }

    @Test
    void minimumPerSecondAllowsTenTimesThatOverTheWindowWithNoRequests() {
        RetryBudget budget = new RetryBudget(20, 1);

        assertThat(acquireAll(budget, T0, 20)).isEqualTo(10);
    }

    @Test
    void percentAndMinimumAddUp() {
        RetryBudget budget = new RetryBudget(50, 2);
        record(budget, T0, 7); // 3.5 + 20

        assertThat(acquireAll(budget, T0, 50)).isEqualTo(23);
    }

    @Test
    void zeroPercentAndZeroMinimumAllowNoRetry() {
        RetryBudget budget = new RetryBudget(0, 0);
        record(budget, T0, 1_000);

        assertThat(budget.tryAcquireRetry(T0)).isFalse();
    }

    @Test
    void defaultsAllowOneHundredRetriesToAQuietDependency() {
        RetryBudget budget = new RetryBudget(20, 10);

        assertThat(acquireAll(budget, T0, 500)).isEqualTo(100);
    }

    @Test
    void retriesSpreadOverTheWindowAreAllCounted() {
        RetryBudget budget = new RetryBudget(0, 1);
        for (int s = 0; s < 10; s++) {
            assertThat(budget.tryAcquireRetry(T0 + s * SECOND))
                    .as("retry in second %d", s)
                    .isTrue();
        }

        assertThat(budget.tryAcquireRetry(T0 + 9 * SECOND + SECOND / 2)).isFalse();
    }

    @Test
    void retriesLeaveTheWindowAfterTenSeconds() {
        RetryBudget budget = new RetryBudget(0, 1);
        assertThat(acquireAll(budget, T0, 10)).isEqualTo(10);

        assertThat(budget.tryAcquireRetry(T0 + 10 * SECOND - 1))
                .as("still in the window")
                .isFalse();
        assertThat(acquireAll(budget, T0 + 10 * SECOND, 20))
                .as("the first second has left")
                .isEqualTo(10);
    }

    @Test
    void onlyTheSlotsThatLeftTheWindowAreFreed() {
        RetryBudget budget = new RetryBudget(0, 1);
        assertThat(acquireAll(budget, T0, 4)).isEqualTo(4);
        assertThat(acquireAll(budget, T0 + 5 * SECOND, 6)).isEqualTo(6);

        // at +10 s the retries of second 0 have left, those of second 5 have not
        assertThat(acquireAll(budget, T0 + 10 * SECOND, 20)).isEqualTo(4);
        // at +15 s the retries of second 5 leave too
        assertThat(acquireAll(budget, T0 + 15 * SECOND, 20)).isEqualTo(6);
    }

    @Test
    void requestsLeaveTheWindowAfterTenSeconds() {
        RetryBudget budget = new RetryBudget(100, 0);
        record(budget, T0, 3);

        assertThat(budget.tryAcquireRetry(T0 + 9 * SECOND)).isTrue();
        assertThat(budget.tryAcquireRetry(T0 + 10 * SECOND))
                .as("the requests have left the window")
                .isFalse();
    }

    @Test
    void aLongPauseClearsTheWholeWindow() {
        RetryBudget budget = new RetryBudget(0, 1);
        acquireAll(budget, T0, 10);

        assertThat(acquireAll(budget, T0 + 3_600 * SECOND, 20)).isEqualTo(10);
    }

    @Test
    void totalOutageCapsRetriesAtTheBudgetNotAtTheAttempts() {
        // every one of 1000 calls in one second fails and wants 2 retries (max-attempts 3)
        RetryBudget budget = new RetryBudget(20, 10);
        int requests = 1_000;
        int granted = 0;
        for (int call = 1; call <= requests; call++) {
            budget.recordRequest(T0);
            granted += acquireAll(budget, T0, 2);
            assertThat(granted).as("after %d calls", call).isLessThanOrEqualTo(call * 20 / 100 + 100);
        }

        // 20% of 1000 requests plus 10 per second over 10 seconds; without the budget it would be 2000
        assertThat(granted).isEqualTo(300);
    }

    @Test
    void totalOutageSustainedOverTimeStaysWithinTheBudgetOfEachWindow() {
        RetryBudget budget = new RetryBudget(20, 10);
        int[] grantedPerSecond = new int[30];
        for (int s = 0; s < 30; s++) {
            for (int call = 0; call < 100; call++) {
                budget.recordRequest(T0 + s * SECOND);
                grantedPerSecond[s] += acquireAll(budget, T0 + s * SECOND, 2);
            }
        }
        for (int end = 9; end < 30; end++) {
            int inWindow = 0;
            for (int s = end - 9; s <= end; s++) {
                inWindow += grantedPerSecond[s];
            }
            // 1000 requests in any 10 s window: at most 20% of them plus 100
            assertThat(inWindow).as("window ending at second %d", end).isLessThanOrEqualTo(300);
        }
    }
}
