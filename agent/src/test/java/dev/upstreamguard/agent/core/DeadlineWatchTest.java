package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.core.EngineFakes.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadlineWatch}: the sweep's decisions against a fake clock with no thread, then the watcher
 * thread itself against real time, with bounds of generous slack.
 */
class DeadlineWatchTest {

    /** A deadline that counts its expiries. */
    static final class Counting extends DeadlineWatch.Deadline {
        final AtomicInteger expired = new AtomicInteger();
        final CountDownLatch latch = new CountDownLatch(1);

        @Override
        protected void expire() {
            expired.incrementAndGet();
            latch.countDown();
        }
    }

    @Nested
    class Sweep {
        private final FakeClock clock = new FakeClock();
        private final List<Runnable> ran = new ArrayList<>();
        private final DeadlineWatch watch = new DeadlineWatch(clock, ran::add, false);

        @Test
        void aDeadlineFiresOnceItHasPassedAndNotBefore() {
            Counting d = new Counting();
            watch.arm(d, 100);

            clock.advanceMillis(99);
            watch.sweep(clock.nanoTime());
            assertThat(ran).isEmpty();
            assertThat(d.fired()).isFalse();

            clock.advanceMillis(1);
            watch.sweep(clock.nanoTime());
            assertThat(ran).containsExactly(d);
            assertThat(d.fired()).isTrue();
            assertThat(d.disarm()).as("too late to disarm").isFalse();

            clock.advanceMillis(1_000);
            watch.sweep(clock.nanoTime());
            assertThat(ran).hasSize(1);
            assertThat(watch.watchedCount()).isZero();
        }

        @Test
        void aDisarmedDeadlineNeverFiresAndIsDroppedAtTheNextSweep() {
            Counting d = new Counting();
            watch.arm(d, 100);
            watch.sweep(clock.nanoTime());
            assertThat(watch.watchedCount()).isEqualTo(1);

            assertThat(d.disarm()).isTrue();
            assertThat(d.disarm()).as("idempotent").isTrue();
            clock.advanceMillis(200);
            watch.sweep(clock.nanoTime());

            assertThat(ran).isEmpty();
            assertThat(d.fired()).isFalse();
            assertThat(watch.watchedCount()).isZero();
        }

        @Test
        void aDeadlineDisarmedBeforeItIsArmedIsNeverQueued() {
            Counting d = new Counting();
            d.disarm(); // the response head came before the client handed out its future

            watch.arm(d, 1);
            clock.advanceMillis(10);
            watch.sweep(clock.nanoTime());

            assertThat(ran).isEmpty();
            assertThat(watch.watchedCount()).isZero();
        }

        @Test
        void aDeadlineIsArmedOnlyOnce() {
            Counting d = new Counting();
            watch.arm(d, 100);
            watch.arm(d, 10_000); // ignored: the first arming stands

            clock.advanceMillis(100);
            watch.sweep(clock.nanoTime());

            assertThat(ran).containsExactly(d);
        }

        @Test
        void aRearmedDeadlineRunsAgainFromTheRearming() {
            Counting d = new Counting();
            watch.arm(d, 100);
            clock.advanceMillis(80);
            watch.rearm(d, 100); // progress: the idle time starts again

            clock.advanceMillis(99);
            watch.sweep(clock.nanoTime());
            assertThat(ran).as("179 ms after arming, 99 after the progress").isEmpty();

            clock.advanceMillis(1);
            watch.sweep(clock.nanoTime());
            assertThat(ran).containsExactly(d);
        }

        @Test
        void aDeadlineRearmedEarlierFiresAtTheEarlierTime() {
            Counting d = new Counting();
            watch.arm(d, 10_000); // a connect timeout, say
            long now = clock.nanoTime();
            watch.rearm(d, 50); // then a shorter read timeout

            assertThat(watch.sweep(now)).isEqualTo(now + TimeUnit.MILLISECONDS.toNanos(50));
            clock.advanceMillis(50);
            watch.sweep(clock.nanoTime());
            assertThat(ran).containsExactly(d);
        }

        @Test
        void rearmingADisarmedOrUnarmedDeadlineDoesNothing() {
            Counting disarmed = new Counting();
            watch.arm(disarmed, 100);
            disarmed.disarm();
            watch.rearm(disarmed, 10);

            Counting unarmed = new Counting();
            watch.rearm(unarmed, 10); // not queued: the watch never sees it
            clock.advanceMillis(1_000);
            watch.sweep(clock.nanoTime());

            assertThat(ran).isEmpty();
            assertThat(watch.watchedCount()).isZero();
            watch.arm(unarmed, 100); // it can still be armed, once
            clock.advanceMillis(100);
            watch.sweep(clock.nanoTime());
            assertThat(ran).containsExactly(unarmed);
        }

        @Test
        void aFiredDeadlineIsNotRearmed() {
            Counting d = new Counting();
            watch.arm(d, 10);
            clock.advanceMillis(10);
            watch.sweep(clock.nanoTime());
            watch.rearm(d, 10);
            clock.advanceMillis(10);
            watch.sweep(clock.nanoTime());

            assertThat(ran).containsExactly(d);
            assertThat(watch.watchedCount()).isZero();
        }

        @Test
        void theNextLookIsTheEarliestDeadlineButNeverLaterThanOneSweep() {
            long now = clock.nanoTime();
            assertThat(watch.sweep(now)).isEqualTo(now + DeadlineWatch.SWEEP_NANOS);

            watch.arm(new Counting(), 10_000);
            watch.arm(new Counting(), 30);
            watch.arm(new Counting(), 60);
            assertThat(watch.sweep(now)).isEqualTo(now + TimeUnit.MILLISECONDS.toNanos(30));

            watch.arm(new Counting(), 5_000);
            clock.advanceMillis(70); // the 30 and 60 ms deadlines fire
            now = clock.nanoTime();
            assertThat(watch.sweep(now)).isEqualTo(now + DeadlineWatch.SWEEP_NANOS);
            assertThat(ran).hasSize(2);
        }

        @Test
        void aBusyClientsDisarmedDeadlinesDoNotPileUp() {
            for (int i = 0; i < 100_000; i++) {
                Counting d = new Counting();
                watch.arm(d, 10_000);
                d.disarm();
                if (i % 1_000 == 999) {
                    clock.advanceMillis(1);
                    watch.sweep(clock.nanoTime());
                    assertThat(watch.watchedCount()).isZero();
                }
            }
            assertThat(ran).isEmpty();
        }

        @Test
        void anExpiryThatThrowsIsContained() {
            DeadlineWatch.Deadline failing = new DeadlineWatch.Deadline() {
                @Override
                protected void expire() {
                    throw new IllegalStateException("boom");
                }
            };
            watch.arm(failing, 1);
            clock.advanceMillis(1);
            watch.sweep(clock.nanoTime());

            assertThat(ran).containsExactly(failing);
            ran.get(0).run(); // what the executor does: must not throw
            assertThat(failing.fired()).isTrue();
        }
    }

    @Nested
    class WatcherThread {
        private final ExecutorService expiries = Executors.newCachedThreadPool();
        private final DeadlineWatch watch = new DeadlineWatch(Clock.SYSTEM, expiries);

        @AfterEach
        void stop() {
            watch.close();
            expiries.shutdownNow();
        }

        private void awaitWatcher(Thread.State state) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (watch.watcherState() != state) {
                assertThat(System.nanoTime()).as("watcher reaches " + state).isLessThan(until);
                Thread.yield();
            }
        }

        @Test
        void firesAfterItsTimeoutAndWithinGenerousSlack() throws Exception {
            Counting d = new Counting();
            long start = System.nanoTime();
            watch.arm(d, 50);

            assertThat(d.latch.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(d.expired.get()).isEqualTo(1);
        }

        @Test
        void anEarlierDeadlineArmedWhileTheWatcherWaitsForALaterOneWakesIt() throws Exception {
            Counting late = new Counting();
            watch.arm(late, 60_000);
            awaitWatcher(Thread.State.TIMED_WAITING); // it plans its next look, one sweep away

            Counting early = new Counting();
            long start = System.nanoTime();
            watch.arm(early, 20);

            assertThat(early.latch.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
            assertThat(late.fired()).isFalse();
        }

        @Test
        void aDisarmedDeadlineNeverFires() throws Exception {
            Counting disarmed = new Counting();
            Counting witness = new Counting();
            watch.arm(disarmed, 30);
            watch.arm(witness, 60);
            assertThat(disarmed.disarm()).isTrue();

            assertThat(witness.latch.await(5, TimeUnit.SECONDS)).isTrue(); // the watcher has passed 30 ms
            assertThat(disarmed.expired.get()).isZero();
        }

        @Test
        void anExpiryThatBlocksDoesNotHoldUpTheNextOne() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            DeadlineWatch.Deadline blocking = new DeadlineWatch.Deadline() {
                @Override
                protected void expire() {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Counting next = new Counting();
            watch.arm(blocking, 10);
            watch.arm(next, 40);

            try {
                assertThat(next.latch.await(5, TimeUnit.SECONDS)).isTrue();
            } finally {
                release.countDown();
            }
        }

        @Test
        void theWatcherSleepsWhenNothingIsArmedAndWakesForTheNextDeadline() throws Exception {
            Counting first = new Counting();
            watch.arm(first, 10);
            assertThat(first.latch.await(5, TimeUnit.SECONDS)).isTrue();
            awaitWatcher(Thread.State.WAITING); // idle: nothing armed, no timed wake-up

            Counting second = new Counting();
            watch.arm(second, 10);
            assertThat(second.latch.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
