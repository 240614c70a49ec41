package dev.upstreamguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on 127.0.0.1 whose answers are scripted {@link Fault}s: the next
 * requests get the {@linkplain #enqueue enqueued} faults in order, then the {@linkplain #otherwise
 * fallback} (200 {@code ok} by default).
 *
 * <p>It speaks enough of the protocol for pooling clients: persistent connections (several
 * requests per connection, {@code Connection: close} honoured), request bodies by {@code
 * Content-Length} or chunked, {@code Expect: 100-continue}. Each connection has its own daemon
 * thread. Thread-safe.
 *
 * <pre>{@code
 * try (FaultyUpstream upstream = FaultyUpstream.start()) {
 *   upstream.enqueue(Fault.status(503), Fault.resetBeforeHead());
 *   // call upstream.url("/items"): 503, then a reset, then 200 "ok"
 *   assertThat(upstream.hits()).isEqualTo(3);
 * }
 * }</pre>
 */
public final class FaultyUpstream implements AutoCloseable {

    private static final Fault DEFAULT = Fault.ok("ok");

    private final ServerSocket server;
    private final ExecutorService connections;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Queue<Fault> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Fault otherwise = DEFAULT;

    // guarded by this: hits and records change together, and awaitHits waits on this
    private int hits;
    private final List<RecordedRequest> records = new ArrayList<>();

    private FaultyUpstream(ServerSocket server) {
        this.server = server;
        this.connections = Executors.newCachedThreadPool(
                Loopback.daemonThreads("faulty-upstream-" + server.getLocalPort() + "-conn"));
        Thread acceptor = new Thread(this::acceptLoop, "faulty-upstream-" + port() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts an upstream on 127.0.0.1 and a free port. */
    public static FaultyUpstream start() {
        try {
            return new FaultyUpstream(new ServerSocket(0, 50, Loopback.ADDRESS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:0 for a FaultyUpstream", e);
        }
    }

    /**
     * Starts an upstream on 127.0.0.1 and this port (0 for a free one), with {@code SO_REUSEADDR}: the
     * way to bring a closed upstream back on the port its clients know.
     */
    public static FaultyUpstream start(int port) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(Loopback.ADDRESS, port), 50);
            return new FaultyUpstream(socket);
        } catch (IOException e) {
            if (socket != null) {
                closeQuietly(socket);
            }
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + port + " for a FaultyUpstream", e);
        }
    }

    /**
     * Starts an upstream on another loopback address ({@code 127.x.y.z}, which Linux routes to the
     * loopback interface without set-up) and a free port: for a host name with several addresses.
     */
    public static FaultyUpstream startOn(String loopbackAddress) {
        try {
            InetAddress address = InetAddress.getByName(loopbackAddress);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException(loopbackAddress + " is not a loopback address");
            }
            return new FaultyUpstream(new ServerSocket(0, 50, address));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + loopbackAddress + ":0 for a FaultyUpstream", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code "http://" + hostPort() + path}. */
    public String url(String path) {
        return "http://" + hostPort() + path;
    }

    /** {@code "127.0.0.1:PORT"} (or the other loopback address it was started on). */
    public String hostPort() {
        return server.getInetAddress().getHostAddress() + ":" + port();
    }

    /** The next requests get these faults, in order, after any already enqueued. */
    public FaultyUpstream enqueue(Fault... faults) {
        for (Fault fault : faults) {
            queue.add(Objects.requireNonNull(fault, "fault"));
        }
        return this;
    }

    /** What requests get once the queue is empty (200 {@code ok} until changed). */
    public FaultyUpstream otherwise(Fault fault) {
        this.otherwise = Objects.requireNonNull(fault, "fault");
        return this;
    }

    /**
     * How many requests were read completely (head and body). A request counts before its fault is
     * applied, so a reset or a hang counts too.
     */
    public synchronized int hits() {
        return hits;
    }

    /**
     * Waits until at least {@code n} requests were read; false on timeout, on close, or when the
     * calling thread is interrupted (its interrupt flag is then set again).
     */
    public synchronized boolean awaitHits(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (hits < n && !isClosed()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return hits >= n;
    }

    /** The requests read so far, in arrival order (a snapshot). */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(records);
    }

    /**
     * Clears the queue, the hit count and the recorded requests, and sets the fallback back to 200
     * {@code ok}. Open connections stay open; connection ids keep growing so they stay unique.
     */
    public void reset() {
        queue.clear();
        otherwise = DEFAULT;
        synchronized (this) {
            hits = 0;
            records.clear();
        }
    }

    /**
     * Closes the server socket and every open connection and ends every wait (delays, hangs,
     * stalls, {@link #awaitHits}). Idempotent.
     */
    @Override
    public void close() {
        if (isClosed()) {
            return;
        }
        closed.countDown();
        closeQuietly(server);
        for (Socket socket : openSockets) {
            closeQuietly(socket);
        }
        connections.shutdownNow();
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public String toString() {
        return "FaultyUpstream[" + hostPort() + ", queued " + Arrays.toString(queue.toArray()) + ", otherwise "
                + otherwise + "]";
    }

    // synchronized so that the n-th recorded request is the one that gets the n-th fault
    private synchronized Fault onRequest(RecordedRequest request) {
        hits++;
        records.add(request);
        notifyAll();
        Fault next = queue.poll();
        return next != null ? next : otherwise;
    }

    private void acceptLoop() {
        while (!isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // the server socket was closed
            }
            openSockets.add(socket);
            if (isClosed()) { // close() may have run before the add: do its work for this socket
                closeQuietly(socket);
                return;
            }
            UpstreamConnection connection =
                    new UpstreamConnection(socket, connectionIds.incrementAndGet(), this::onRequest, closed);
            try {
                connections.execute(() -> {
                    try {
                        connection.run();
                    } finally {
                        openSockets.remove(socket);
                    }
                });
            } catch (RejectedExecutionException e) { // closed meanwhile
                closeQuietly(socket);
                return;
            }
        }
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
