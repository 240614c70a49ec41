package dev.upstreamguard.agent.core;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's own daemon threads: those that start delayed asynchronous retries (idle ones die after
 * 30 s) and the one that times them. They are started lazily by whichever application thread needs one
 * first, so none of them may keep anything of that thread: no context class loader, no inherited
 * access-control context, no inheritable thread-locals (a web application's loader would leak past its
 * undeploy).
 */
final class RetryThreads {

    static final ExecutorService EXECUTOR = new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> newThread(r, "upstream-guard-retry-"));

    /** Times the delayed retries; the JDK's shared delay thread would be started from an application thread. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static final AtomicInteger COUNT = new AtomicInteger();

    private RetryThreads() {}

    /** Runs {@code task} on a retry thread after {@code millis}. */
    static void schedule(Runnable task, long millis) {
        TIMER.schedule(() -> EXECUTOR.execute(task), Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(1, r -> newThread(r, "upstream-guard-timer-"));
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** A daemon thread that holds nothing of the thread creating it (see the class comment). */
    @SuppressWarnings("removal") // AccessController: Java 17 threads still inherit the creator's context
    static Thread newThread(Runnable r, String namePrefix) {
        String name = namePrefix.endsWith("-") ? namePrefix + COUNT.incrementAndGet() : namePrefix;
        return AccessController.doPrivileged((PrivilegedAction<Thread>) () -> {
            Thread t = new AgentThreads.AgentThread(r, name);
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
    }
}
