package dev.upstreamguard.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server that reads each request head and never answers: over TLS on 127.0.0.1 (a self-signed
 * certificate made by {@code keytool} for the run) or on a Unix domain socket. For read timeouts on
 * transports the {@code FaultyUpstream} does not speak. Closing it closes every connection.
 */
final class SilentServer implements AutoCloseable {

    private static final char[] PASSWORD = "it-only".toCharArray();
    private static KeyStore keyStore;

    private final AutoCloseable listener;
    private final List<AutoCloseable> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger heads = new AtomicInteger();
    private final int port;
    private final Path socketPath;

    private SilentServer(AutoCloseable listener, int port, Path socketPath) {
        this.listener = listener;
        this.port = port;
        this.socketPath = socketPath;
    }

    /** A TLS server on 127.0.0.1 and a free port. */
    static SilentServer tls() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore(), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        SilentServer silent = new SilentServer(server, server.getLocalPort(), null);
        silent.acceptLoop(() -> {
            Socket s = server.accept();
            return new Object[] {s, s.getInputStream()};
        });
        return silent;
    }

    /** A server on a Unix domain socket in a fresh temporary folder. */
    static SilentServer unixSocket() throws IOException {
        Path dir = Files.createTempDirectory("upstream-guard-uds");
        Path path = dir.resolve("upstream.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        SilentServer silent = new SilentServer(server, -1, path);
        silent.acceptLoop(() -> {
            SocketChannel s = server.accept();
            return new Object[] {s, Channels.newInputStream(s)};
        });
        return silent;
    }

    /** An SSL context that trusts this run's certificate. */
    static SSLContext clientContext() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        Certificate certificate = keyStore().getCertificate("it");
        trusted.setCertificateEntry("it", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    int port() {
        return port;
    }

    Path socketPath() {
        return socketPath;
    }

    /** Request heads read completely so far. */
    int heads() {
        return heads.get();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        for (AutoCloseable c : connections) {
            c.close();
        }
        if (socketPath != null) {
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(socketPath.getParent());
        }
    }

    private interface Acceptor {
        Object[] accept() throws IOException;
    }

    private void acceptLoop(Acceptor acceptor) {
        Thread thread = new Thread(
                () -> {
                    while (true) {
                        Object[] accepted;
                        try {
                            accepted = acceptor.accept();
                        } catch (IOException e) {
                            return; // closed
                        }
                        connections.add((AutoCloseable) accepted[0]);
                        Thread reader = new Thread(() -> readHeads((InputStream) accepted[1]), "silent-server-conn");
                        reader.setDaemon(true);
                        reader.start();
                    }
                },
                "silent-server-accept");
        thread.setDaemon(true);
        thread.start();
    }

    private void readHeads(InputStream in) {
        try {
            int matched = 0;
            int b;
            while ((b = in.read()) >= 0) { // count "\r\n\r\n", then keep reading: nothing is ever answered
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
                if (matched == 4) {
                    heads.incrementAndGet();
                    matched = 0;
                }
            }
        } catch (IOException e) {
            // the client gave up or the server closed
        }
    }

    private static synchronized KeyStore keyStore() throws Exception {
        if (keyStore == null) {
            Path dir = Files.createTempDirectory("upstream-guard-tls");
            Path file = dir.resolve("it.p12");
            Process keytool = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "keytool")
                                    .toString(),
                            "-genkeypair",
                            "-alias",
                            "it",
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-dname",
                            "CN=localhost",
                            "-ext",
                            "SAN=ip:127.0.0.1,dns:localhost",
                            "-validity",
                            "2",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            file.toString(),
                            "-storepass",
                            new String(PASSWORD),
                            "-keypass",
                            new String(PASSWORD))
                    .redirectErrorStream(true)
                    .start();
            byte[] output = keytool.getInputStream().readAllBytes();
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(output));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
                store.load(in, PASSWORD);
            }
            Files.delete(file);
            Files.delete(dir);
            keyStore = store;
        }
        return keyStore;
    }
}
