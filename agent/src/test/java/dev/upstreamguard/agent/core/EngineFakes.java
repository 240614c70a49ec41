package dev.upstreamguard.agent.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/**
 * Test doubles for driving {@link CallGuard} without threads, sleeps or a network: a clock that only
 * moves when told, a sleeper that records waits, a scripted exchange and a recording observer.
 */
final class EngineFakes {

    private EngineFakes() {}

    /** A response of the fake client. Compared by identity, so tests can tell attempts apart. */
    static final class FakeResponse {
        final int status;
        final Map<String, String> headers;

        FakeResponse(int status, Map<String, String> headers) {
            this.status = status;
            this.headers = headers;
        }

        @Override
        public String toString() {
            return "FakeResponse{" + status + ", " + headers + "}@" + System.identityHashCode(this);
        }
    }

    static FakeResponse response(int status) {
        return new FakeResponse(status, Map.of());
    }

    static FakeResponse response(int status, String header, String value) {
        return new FakeResponse(status, Map.of(header, value));
    }

    /** A clock that moves only when a test (or a fake) advances it. Starts at a fixed wall-clock instant. */
    static final class FakeClock implements Clock {
        static final long START_EPOCH_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

        private long nanos = 5_000_000_000L; // not zero, so no code can rely on a zero origin
        private long epochMillis = START_EPOCH_MILLIS;

        void advanceMillis(long millis) {
            nanos += millis * 1_000_000L;
            epochMillis += millis;
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long epochMillis() {
            return epochMillis;
        }
    }

    /**
     * Records every requested wait. A blocking sleep advances the clock at once (or throws
     * InterruptedException when told to); scheduled tasks wait until the test runs them.
     */
    static final class FakeSleeper implements Sleeper {
        private final FakeClock clock;
        final List<Long> sleeps = new ArrayList<>();
        final List<Long> scheduledDelays = new ArrayList<>();
        private final Deque<Runnable> scheduled = new ArrayDeque<>();
        private final Deque<Long> pendingDelays = new ArrayDeque<>();
        private int interruptOnSleep = -1;
        private Runnable onSleep;

        FakeSleeper(FakeClock clock) {
            this.clock = clock;
        }

        /** The n-th call to {@link #sleep} (1-based) throws InterruptedException instead of waiting. */
        void interruptOnSleep(int n) {
            interruptOnSleep = n;
        }

        /** Runs {@code action} during every blocking sleep, as another thread would while the caller waits. */
        void onSleep(Runnable action) {
            onSleep = action;
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            sleeps.add(millis);
            if (onSleep != null) {
                onSleep.run();
            }
            if (sleeps.size() == interruptOnSleep) {
                throw new InterruptedException("fake interrupt");
            }
            clock.advanceMillis(millis);
        }

        @Override
        public void schedule(Runnable task, long millis) {
            scheduledDelays.add(millis);
            scheduled.addLast(task);
            pendingDelays.addLast(millis);
        }

        int pendingTasks() {
            return scheduled.size();
        }

        /** Advances the clock by the oldest task's delay and runs it. */
        void runNextScheduled() {
            if (scheduled.isEmpty()) {
                throw new AssertionError("no scheduled task to run");
            }
            clock.advanceMillis(pendingDelays.removeFirst());
            scheduled.removeFirst().run();
        }

        /** Runs scheduled tasks (and the tasks they schedule) until none is left. */
        void runAllScheduled() {
            for (int guard = 0; !scheduled.isEmpty(); guard++) {
                if (guard > 1000) {
                    throw new AssertionError("scheduled tasks never stop");
                }
                runNextScheduled();
            }
        }
    }

    /** Random numbers handed out in order; the last one repeats. */
    static DoubleSupplier randoms(double... values) {
        return new DoubleSupplier() {
            private int next;

            @Override
            public double getAsDouble() {
                double v = values[Math.min(next, values.length - 1)];
                next++;
                return v;
            }
        };
    }

    /**
     * A client whose attempts follow a script of responses and exceptions. Records every attempt it is
     * asked to run and every response the engine discards.
     */
    static final class ScriptedExchange implements AsyncExchange<FakeResponse> {
        private final Deque<Object> script = new ArrayDeque<>();
        private final FakeClock clock;
        final List<Attempt> attempts = new ArrayList<>();
        final List<FakeResponse> discarded = new ArrayList<>();
        final List<CompletableFuture<FakeResponse>> pendingFutures = new ArrayList<>();
        private long attemptMillis;
        private long appConnectTimeoutMillis;
        private long appReadTimeoutMillis;
        private RuntimeException appSettingsFailure;
        private boolean asyncLeavesPending;
        private final List<Throwable> connectPhaseErrors = new ArrayList<>();
        private int appRetries = -1;
        private long appRetryWaitMillis;
        private final List<Throwable> sentErrors = new ArrayList<>();
        private final List<Throwable> applicationErrors = new ArrayList<>();
        private boolean cancelled;
        private boolean cancelledByTimeout;
        /** Runs as an attempt ends, before the engine looks at it (to cancel the call meanwhile). */
        private Runnable onAttemptEnd;

        ScriptedExchange(FakeClock clock) {
            this.clock = clock;
        }

        /** Appends steps: each a {@link FakeResponse} to return or a {@link Throwable} to throw. */
        ScriptedExchange then(Object... steps) {
            for (Object step : steps) {
                script.addLast(step);
            }
            return this;
        }

        ScriptedExchange statuses(int... statuses) {
            for (int s : statuses) {
                script.addLast(response(s));
            }
            return this;
        }

        /** Each attempt moves the fake clock on by this much before it answers. */
        ScriptedExchange eachAttemptTakes(long millis) {
            attemptMillis = millis;
            return this;
        }

        ScriptedExchange appTimeouts(long connectMillis, long readMillis) {
            appConnectTimeoutMillis = connectMillis;
            appReadTimeoutMillis = readMillis;
            return this;
        }

        /** Reading the application's settings fails, as an adapter bug would. */
        ScriptedExchange appSettingsThrow(RuntimeException failure) {
            appSettingsFailure = failure;
            return this;
        }

        /** The adapter reports this error as having happened while connecting. */
        ScriptedExchange connectPhaseError(Throwable error) {
            connectPhaseErrors.add(error);
            return this;
        }

        /** The application gave its client a retry setting: this many re-sends, each after this wait. */
        ScriptedExchange appRetries(int retries, long waitMillis) {
            appRetries = retries;
            appRetryWaitMillis = waitMillis;
            return this;
        }

        /** The adapter reports that the request may have been sent before this error (a followed redirect). */
        ScriptedExchange sentBefore(Throwable error) {
            sentErrors.add(error);
            return this;
        }

        /** The adapter reports this error as the application's own (its request body failed). */
        ScriptedExchange applicationsOwn(Throwable error) {
            applicationErrors.add(error);
            return this;
        }

        /** From now on the application has cancelled the call; {@code byTimeout}: by its own call timeout. */
        void cancel(boolean byTimeout) {
            cancelled = true;
            cancelledByTimeout = byTimeout;
        }

        /** Runs {@code action} at the end of every sync attempt, after it produced its result. */
        ScriptedExchange onAttemptEnd(Runnable action) {
            onAttemptEnd = action;
            return this;
        }

        /** attemptAsync returns futures the test completes itself (see {@link #pendingFutures}). */
        ScriptedExchange asyncLeavesPending() {
            asyncLeavesPending = true;
            return this;
        }

        @Override
        public long appConnectTimeoutMillis() {
            if (appSettingsFailure != null) {
                throw appSettingsFailure;
            }
            return appConnectTimeoutMillis;
        }

        @Override
        public long appReadTimeoutMillis() {
            if (appSettingsFailure != null) {
                throw appSettingsFailure;
            }
            return appReadTimeoutMillis;
        }

        @Override
        public FakeResponse attempt(Attempt attempt) throws Throwable {
            attempts.add(attempt);
            clock.advanceMillis(attemptMillis);
            Object step = nextStep();
            if (onAttemptEnd != null) {
                onAttemptEnd.run();
            }
            if (step instanceof Throwable) {
                throw (Throwable) step;
            }
            return (FakeResponse) step;
        }

        @Override
        public CompletableFuture<FakeResponse> attemptAsync(Attempt attempt) {
            attempts.add(attempt);
            if (asyncLeavesPending) {
                CompletableFuture<FakeResponse> pending = new CompletableFuture<>();
                pendingFutures.add(pending);
                return pending;
            }
            clock.advanceMillis(attemptMillis);
            Object step = nextStep();
            if (step instanceof Throwable) {
                return CompletableFuture.failedFuture((Throwable) step);
            }
            return CompletableFuture.completedFuture((FakeResponse) step);
        }

        private Object nextStep() {
            if (script.isEmpty()) {
                throw new AssertionError("the engine ran more attempts than the script has");
            }
            return script.removeFirst();
        }

        @Override
        public int status(FakeResponse response) {
            return response.status;
        }

        @Override
        public String header(FakeResponse response, String name) {
            return response.headers.get(name);
        }

        @Override
        public void discard(FakeResponse response) {
            discarded.add(response);
        }

        @Override
        public boolean failedWhileConnecting(Throwable error) {
            return connectPhaseErrors.contains(error);
        }

        @Override
        public long appRetryDelayMillis(FakeResponse response, Throwable error, int attempt) {
            return attempt <= appRetries ? appRetryWaitMillis : -1;
        }

        @Override
        public boolean mayHaveBeenSent(Throwable error) {
            return sentErrors.contains(error);
        }

        @Override
        public boolean applicationFailure(Throwable error) {
            return applicationErrors.contains(error);
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public boolean cancelledByTimeout() {
            return cancelledByTimeout;
        }
    }

    /** What the engine told the observer about one attempt. */
    static final class RecordedAttempt {
        final int number;
        final long connectTimeoutMillis;
        final long readTimeoutMillis;
        int stops;
        int ends;
        int status;
        Throwable error;
        FailureKind failure;
        Outcome outcome;
        boolean wouldRetry;
        boolean wouldReject;

        RecordedAttempt(int number, long connectTimeoutMillis, long readTimeoutMillis) {
            this.number = number;
            this.connectTimeoutMillis = connectTimeoutMillis;
            this.readTimeoutMillis = readTimeoutMillis;
        }

        String traceparent() {
            return String.format("00-%032x-%016x-01", 1, number);
        }
    }

    /** What the engine told the observer when a call ended. */
    static final class RecordedEnd {
        final FailureKind failure;
        final Outcome outcome;
        final int attempts;
        final int status;

        RecordedEnd(FailureKind failure, Outcome outcome, int attempts, int status) {
            this.failure = failure;
            this.outcome = outcome;
            this.attempts = attempts;
            this.status = status;
        }

        @Override
        public String toString() {
            return "callEnded{" + failure + ", " + outcome + ", " + attempts + ", " + status + "}";
        }
    }

    /**
     * Records each call and attempt; hands out a distinct traceparent per attempt. Records every
     * {@code callEnded}, and {@link #assertEveryCallEndedOnce} checks the engine's promise that each
     * started call ends exactly once, after its last span.
     */
    static final class RecordingObserver implements CallObserver {
        final List<CallRequest> calls = new ArrayList<>();
        final List<Dependency> dependencies = new ArrayList<>();
        final List<RecordedAttempt> attempts = new ArrayList<>();
        /** Per call, in the order the calls started: every callEnded it got. */
        final List<List<RecordedEnd>> ends = new ArrayList<>();

        @Override
        public CallTrace startCall(CallRequest request, Dependency dependency) {
            calls.add(request);
            dependencies.add(dependency);
            List<RecordedEnd> callEnds = new ArrayList<>();
            ends.add(callEnds);
            List<RecordedAttempt> callAttempts = new ArrayList<>();
            return new CallTrace() {
                @Override
                public AttemptTrace startAttempt(int number, long connect, long read) {
                    if (!callEnds.isEmpty()) {
                        throw new AssertionError("an attempt started after its call ended");
                    }
                    RecordedAttempt recorded = new RecordedAttempt(number, connect, read);
                    attempts.add(recorded);
                    callAttempts.add(recorded);
                    return trace(recorded, number);
                }

                @Override
                public void callEnded(FailureKind failure, Outcome outcome, int count, int status) {
                    for (RecordedAttempt a : callAttempts) {
                        if (a.ends != 1) {
                            throw new AssertionError("callEnded before attempt " + a.number + " ended");
                        }
                    }
                    callEnds.add(new RecordedEnd(failure, outcome, count, status));
                }
            };
        }

        /** The only callEnded of the only (or last) call. */
        RecordedEnd ended() {
            List<RecordedEnd> last = ends.get(ends.size() - 1);
            if (last.size() != 1) {
                throw new AssertionError("callEnded " + last.size() + " times: " + last);
            }
            return last.get(0);
        }

        /** Every call started ended exactly once, and every attempt's span was stopped and ended once. */
        void assertEveryCallEndedOnce() {
            for (int i = 0; i < ends.size(); i++) {
                if (ends.get(i).size() != 1) {
                    throw new AssertionError(
                            "call " + (i + 1) + " ended " + ends.get(i).size() + " times: " + ends.get(i));
                }
            }
            for (RecordedAttempt a : attempts) {
                if (a.ends != 1 || a.stops != 1) {
                    throw new AssertionError(
                            "attempt " + a.number + " stopped " + a.stops + " and ended " + a.ends + " times");
                }
            }
        }

        private AttemptTrace trace(RecordedAttempt recorded, int number) {
            return new AttemptTrace() {
                @Override
                public String traceparent() {
                    return recorded.traceparent();
                }

                @Override
                public String tracestate() {
                    return "vendor=" + number;
                }

                @Override
                public void wouldReject() {
                    recorded.wouldReject = true;
                }

                @Override
                public void stop(int status, Throwable error, FailureKind failure) {
                    recorded.stops++;
                    recorded.status = status;
                    recorded.error = error;
                    recorded.failure = failure;
                }

                @Override
                public void end(Outcome outcome, boolean wouldRetry) {
                    if (recorded.stops != 1) {
                        throw new AssertionError("attempt " + number + " ended before it stopped");
                    }
                    recorded.ends++;
                    recorded.outcome = outcome;
                    recorded.wouldRetry = wouldRetry;
                }
            };
        }

        RecordedAttempt attempt(int number) {
            return attempts.get(number - 1);
        }

        RecordedAttempt last() {
            return attempts.get(attempts.size() - 1);
        }
    }
}
