package dev.upstreamguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Port helpers for tests. Thread-safe. */
public final class Ports {

    private Ports() {}

    /**
     * Returns a port on 127.0.0.1 on which nothing listens, so a connect to it is refused: a port
     * the kernel just handed out and that was closed again. Another process could take it in the
     * meantime, which on a test machine is rare enough to ignore.
     */
    public static int refusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, Loopback.ADDRESS)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:0 to find a free port", e);
        }
    }
}
