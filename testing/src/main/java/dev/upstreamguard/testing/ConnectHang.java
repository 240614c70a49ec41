package dev.upstreamguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener on 127.0.0.1 on which a TCP connect hangs until the client's connect timeout: a
 * server socket with a backlog of 1 that never accepts, whose accept queue this fixture fills
 * with its own connections. Once the queue is full, Linux drops further SYNs, so a connect
 * neither succeeds nor is refused. Not thread-safe; close it once.
 */
public final class ConnectHang implements AutoCloseable {

    private static final int FILL_TIMEOUT_MILLIS = 200;
    private static final int MAX_FILL_SOCKETS = 64;

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    private ConnectHang(ServerSocket server) {
        this.server = server;
    }

    /**
     * Binds the listener and fills its accept queue.
     *
     * @throws IllegalStateException if {@value #MAX_FILL_SOCKETS} connects all succeeded, which
     *     means this operating system does not let a full accept queue stall connects
     */
    public static ConnectHang start() {
        ConnectHang hang;
        try {
            hang = new ConnectHang(new ServerSocket(0, 1, Loopback.ADDRESS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:0 for a ConnectHang", e);
        }
        try {
            hang.fill();
            return hang;
        } catch (RuntimeException e) {
            hang.close();
            throw e;
        }
    }

    private void fill() {
        InetSocketAddress address = new InetSocketAddress(Loopback.ADDRESS, port());
        while (fillers.size() < MAX_FILL_SOCKETS) {
            Socket socket = new Socket();
            try {
                socket.connect(address, FILL_TIMEOUT_MILLIS);
                fillers.add(socket);
            } catch (SocketTimeoutException e) {
                closeQuietly(socket); // the queue is full: connects hang from now on
                return;
            } catch (IOException e) {
                closeQuietly(socket);
                throw new UncheckedIOException("ConnectHang: filling the accept queue of " + address + " failed", e);
            }
        }
        throw new IllegalStateException("ConnectHang: " + MAX_FILL_SOCKETS + " connects to " + address
                + " with backlog 1 all " + "succeeded; this OS does not stall connects on a full accept queue");
    }

    /** The port on which connects hang. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code "http://127.0.0.1:PORT" + path}. */
    public String url(String path) {
        return "http://" + Loopback.HOST + ":" + port() + path;
    }

    /** Closes the filler connections and the listener. Idempotent. */
    @Override
    public void close() {
        fillers.forEach(ConnectHang::closeQuietly);
        fillers.clear();
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
