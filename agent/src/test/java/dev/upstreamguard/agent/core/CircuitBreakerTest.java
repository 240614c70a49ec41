package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The breaker's arithmetic and state machine, with the time passed in and the jitter injected. */
class CircuitBreakerTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 777_000 * MS; // not zero: nothing may rely on a zero origin

    /** 10 s window, 10 attempts, 50 %, open 5 s (max 60 s), 2 probes; call timeout 3 s. */
    private static final GuardPolicy POLICY =
            GuardPolicy.defaults().toBuilder().callTimeoutMillis(3_000).build();

    private final List<String> log = new ArrayList<>();
    private double nextRandom = 0.5;

    private CircuitBreaker breaker(GuardPolicy policy) {
        return new CircuitBreaker("inventory", policy, () -> nextRandom, log::add);
    }

    private static void attempts(CircuitBreaker b, long now, int n, boolean failed) {
        for (int i = 0; i < n; i++) {
            assertThat(b.tryAcquire(now)).isEqualTo(CircuitBreaker.PERMITTED);
            b.record(CircuitBreaker.PERMITTED, failed, now);
        }
    }

    private CircuitBreaker opened(long at) {
        CircuitBreaker b = breaker(POLICY);
        attempts(b, at, 10, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        return b;
    }

    @Test
    void opensOnTheFailureThatReachesMinAttemptsAtTheRate() {
        CircuitBreaker b = breaker(POLICY);
        attempts(b, T0, 5, false);
        attempts(b, T0, 4, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED); // 4 of 9: too few, too low

        attempts(b, T0, 1, true); // 5 of 10 = 50 %

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquire(T0)).isEqualTo(CircuitBreaker.REJECTED);
        assertThat(b.millisUntilProbe(T0 + 1_000 * MS)).isEqualTo(4_000);
        assertThat(log)
                .containsExactly("circuit breaker of inventory: closed -> open (failure rate 50% of 10"
                        + " attempts in the window; next probe in 5000 ms)");
    }

    @Test
    void aProbeGivenBackCountsForNothingAndTheNextCallProbes() {
        CircuitBreaker b = opened(T0);
        long half = T0 + 5_000 * MS;
        assertThat(b.tryAcquire(half)).isEqualTo(CircuitBreaker.PROBE);
        assertThat(b.tryAcquire(half)).isEqualTo(CircuitBreaker.REJECTED); // one probe at a time

        b.giveBack(CircuitBreaker.PROBE); // the application cancelled it: says nothing of the dependency

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire(half)).isEqualTo(CircuitBreaker.PROBE);
        b.record(CircuitBreaker.PROBE, false, half);
        assertThat(b.state())
                .isEqualTo(CircuitBreaker.State.HALF_OPEN); // 1 of the 2 probes: the given-back one did not count
        b.giveBack(CircuitBreaker.PERMITTED); // an ordinary permit: nothing to give back
        assertThat(b.tryAcquire(half)).isEqualTo(CircuitBreaker.PROBE);
        b.record(CircuitBreaker.PROBE, false, half);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aRefusingDependencyOpensWithinItsFirstMinAttemptsFailures() {
        CircuitBreaker b = breaker(POLICY);
        attempts(b, T0, 9, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        attempts(b, T0, 1, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void failuresThatLeftTheWindowNoLongerCount() {
        CircuitBreaker b = breaker(POLICY);
        attempts(b, T0, 9, true);
        // the window is ten 1 s slots: 10 s later the old slot is gone
        attempts(b, T0 + 10_000 * MS, 1, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        attempts(b, T0 + 10_000 * MS, 8, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        attempts(b, T0 + 10_000 * MS, 1, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void clientErrorsNeverCountUnlessListedAndListedServerErrorsDo() {
        CircuitBreaker b = breaker(POLICY);
        assertThat(b.counts(FailureKind.STATUS, 404)).isFalse();
        assertThat(b.counts(FailureKind.STATUS, 429)).isFalse();
        assertThat(b.counts(FailureKind.STATUS, 503)).isTrue();
        assertThat(b.counts(FailureKind.STATUS, 502)).isTrue();
        assertThat(b.counts(FailureKind.STATUS, 500)).isFalse();
        assertThat(b.counts(FailureKind.CONNECT_FAILURE, -1)).isTrue();
        assertThat(b.counts(FailureKind.TIMEOUT, -1)).isTrue();
        assertThat(b.counts(FailureKind.DNS_FAILURE, -1)).isFalse();
        assertThat(b.counts(null, 200)).isFalse();

        CircuitBreaker listed =
                breaker(POLICY.toBuilder().breakerOn(RetryOn.parse("429,500")).build());
        assertThat(listed.counts(FailureKind.STATUS, 429)).isTrue();
        assertThat(listed.counts(FailureKind.STATUS, 500)).isTrue();
        assertThat(listed.counts(FailureKind.STATUS, 503)).isFalse();
        assertThat(listed.counts(FailureKind.CONNECT_FAILURE, -1)).isFalse();
    }

    @Test
    void halfOpenLetsOneProbeThroughAtATimeAndTheSecondSuccessCloses() {
        CircuitBreaker b = opened(T0);
        assertThat(b.tryAcquire(T0 + 4_999 * MS)).isEqualTo(CircuitBreaker.REJECTED);

        long t = T0 + 5_000 * MS;
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PROBE);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        for (int i = 0; i < 19; i++) {
            assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.REJECTED);
        }
        b.record(CircuitBreaker.PROBE, false, t);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PROBE);
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.REJECTED);
        b.record(CircuitBreaker.PROBE, false, t);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PERMITTED);
        assertThat(log).hasSize(3);
        assertThat(log.get(1))
                .isEqualTo("circuit breaker of inventory: open -> half-open (open duration over;"
                        + " letting one probe call through at a time)");
        assertThat(log.get(2))
                .isEqualTo("circuit breaker of inventory: half-open -> closed (2 probe(s) in a row" + " succeeded)");
        // closing starts a fresh window: the failures that opened it are forgotten
        attempts(b, t, 9, true);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFailedProbeReopensForTwiceAsLongJitteredAndCapped() {
        CircuitBreaker b = opened(T0);
        long t = T0 + 5_000 * MS;
        nextRandom = 0.5; // 10 s less 10 %: 9 s
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PROBE);
        b.record(CircuitBreaker.PROBE, true, t);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.millisUntilProbe(t)).isEqualTo(9_000);
        assertThat(b.tryAcquire(t + 8_999 * MS)).isEqualTo(CircuitBreaker.REJECTED);
        t += 9_000 * MS;
        nextRandom = 0.0; // 20 s exactly
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PROBE);
        b.record(CircuitBreaker.PROBE, true, t);
        assertThat(b.millisUntilProbe(t)).isEqualTo(20_000);
        assertThat(log.get(log.size() - 1))
                .isEqualTo("circuit breaker of inventory: half-open -> open (a probe failed; next probe in 20000 ms)");

        // 40 s, then capped at 60 s, never more, whatever the jitter
        assertThat(b.reopenNanos(3, 0.0)).isEqualTo(40_000 * MS);
        assertThat(b.reopenNanos(4, 0.0)).isEqualTo(60_000 * MS);
        assertThat(b.reopenNanos(30, 0.0)).isEqualTo(60_000 * MS);
        assertThat(b.reopenNanos(30, 0.999_999)).isBetween(48_000 * MS, 60_000 * MS);
        assertThat(b.reopenNanos(1, 0.999_999)).isGreaterThan(5_000 * MS); // longer than the first time
    }

    @Test
    void aProbeThatNeverReportsLosesItsTurnAfterTheCallTimeoutPlusOneSecond() {
        CircuitBreaker b = opened(T0);
        long t = T0 + 5_000 * MS;
        assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PROBE); // its caller never comes back

        assertThat(b.tryAcquire(t + 3_999 * MS)).isEqualTo(CircuitBreaker.REJECTED);
        assertThat(b.tryAcquire(t + 4_000 * MS)).isEqualTo(CircuitBreaker.PROBE);
        b.record(CircuitBreaker.PROBE, false, t + 4_100 * MS);
        assertThat(b.tryAcquire(t + 4_100 * MS)).isEqualTo(CircuitBreaker.PROBE);
        b.record(CircuitBreaker.PROBE, false, t + 4_200 * MS);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void attemptsLetThroughBeforeItOpenedDoNotCountAfterwards() {
        CircuitBreaker b = opened(T0);
        b.record(CircuitBreaker.PERMITTED, false, T0); // a slow success of before
        b.record(CircuitBreaker.PROBE, false, T0); // a probe it never handed out
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.transitions()).isEqualTo(1);
    }

    @Test
    void twentyConcurrentCallersHalfOpenGetExactlyOneProbe() throws Exception {
        CircuitBreaker b = opened(T0);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 20; round++) {
                long t = T0 + (round + 1) * 100_000 * MS; // past any open duration (at most 60 s)
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return b.tryAcquire(t);
                    }));
                }
                go.countDown();
                int probes = 0;
                for (Future<Integer> a : answers) {
                    probes += a.get(10, TimeUnit.SECONDS) == CircuitBreaker.PROBE ? 1 : 0;
                }
                assertThat(probes).as("round %d", round).isEqualTo(1);
                b.record(CircuitBreaker.PROBE, true, t); // the probe fails: open again until the next round
                assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void thirtyPercentFailuresUnderSteadyLoadNeverOpenIt() {
        CircuitBreaker b = breaker(POLICY);
        Random random = new Random(42); // seeded: the same sequence every run
        long t = T0;
        int failed = 0;
        int total = 0;
        // 30 s at 50 calls a second, each failing with probability 0.3
        for (int i = 0; i < 1_500; i++) {
            t += 20 * MS;
            boolean fails = random.nextDouble() < 0.3;
            failed += fails ? 1 : 0;
            total++;
            assertThat(b.tryAcquire(t)).isEqualTo(CircuitBreaker.PERMITTED);
            b.record(CircuitBreaker.PERMITTED, fails, t);
        }
        assertThat(failed * 100 / total).isBetween(27, 33);
        assertThat(b.transitions()).isZero();
        assertThat(log).isEmpty();
    }
}
