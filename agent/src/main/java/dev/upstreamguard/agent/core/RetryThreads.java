package dev.upstreamguard.agent.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The daemon threads that start delayed asynchronous retries; idle threads die after 30 s. */
final class RetryThreads {

    static final ExecutorService EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), RetryThreads::newThread);

    private static final AtomicInteger COUNT = new AtomicInteger();

    private RetryThreads() {}

    private static Thread newThread(Runnable r) {
        Thread t = new Thread(r, "upstream-guard-retry-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
