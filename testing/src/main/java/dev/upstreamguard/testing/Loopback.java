package dev.upstreamguard.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one address every fixture binds, and the daemon thread factory they share. */
final class Loopback {

    /**
     * 127.0.0.1 itself, not {@link InetAddress#getLoopbackAddress()}, which may be {@code ::1} when
     * IPv6 addresses are preferred.
     */
    static final InetAddress ADDRESS = ipv4Loopback();

    static final String HOST = "127.0.0.1";

    private Loopback() {}

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger next = new AtomicInteger(1);
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("127.0.0.1 is not a valid address?", e);
        }
    }
}
