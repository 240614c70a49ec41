package dev.upstreamguard.agent.core;

/** How the engine waits between attempts: blocking for sync calls, scheduled for async ones. */
public interface Sleeper {

    /** Blocks the calling thread; throws when it is interrupted. */
    void sleep(long millis) throws InterruptedException;

    /** Runs {@code task} after {@code millis} without blocking the caller. */
    void schedule(Runnable task, long millis);

    Sleeper SYSTEM = new Sleeper() {
        @Override
        public void sleep(long millis) throws InterruptedException {
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }

        @Override
        public void schedule(Runnable task, long millis) {
            RetryThreads.schedule(task, millis);
        }
    };
}
