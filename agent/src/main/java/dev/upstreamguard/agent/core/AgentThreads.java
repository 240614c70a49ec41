package dev.upstreamguard.agent.core;

/** Tells the agent's own threads (retries, their timer, the deadline watch) from the application's. */
public final class AgentThreads {

    private AgentThreads() {}

    /** True when the calling thread is one of the agent's own (made by {@link RetryThreads#newThread}). */
    public static boolean current() {
        return Thread.currentThread() instanceof AgentThread;
    }

    /** The type of every agent thread, so that {@link #current()} is one type check. */
    static final class AgentThread extends Thread {
        AgentThread(Runnable task, String name) {
            super(null, task, name, 0, false);
        }
    }
}
