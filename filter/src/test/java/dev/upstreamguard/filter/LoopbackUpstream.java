package dev.upstreamguard.filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The few misbehaving upstreams the filter tests need, on 127.0.0.1: one that never answers and one that
 * resets the connection after reading the request head. (The shared fixtures module did not build yet
 * when these tests were written; see the report.)
 */
final class LoopbackUpstream implements AutoCloseable {
  private final ServerSocket server;
  private final boolean reset;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private LoopbackUpstream(boolean reset) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.reset = reset;
    Thread acceptor = new Thread(this::acceptLoop, "loopback-upstream-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Accepts connections and reads requests but never writes a byte, until closed. */
  static LoopbackUpstream neverAnswering() throws IOException {
    return new LoopbackUpstream(false);
  }

  /** Reads the request head, then closes with SO_LINGER 0 so the client gets a TCP RST. */
  static LoopbackUpstream resetting() throws IOException {
    return new LoopbackUpstream(true);
  }

  /** A port on 127.0.0.1 where nothing listens: one the kernel just handed out, closed again. */
  static int refusedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.add(socket);
        if (reset) {
          readHead(socket.getInputStream());
          socket.setSoLinger(true, 0);
          socket.close();
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; matched < end.length && (b = in.read()) >= 0; ) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }
}
