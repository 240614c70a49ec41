package dev.upstreamguard.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two servers of a benchmark session, both on 127.0.0.1 and both in the launcher's JVM (which has
 * no agent, so neither agent instruments them): an upstream that answers every request 200 with a small
 * body, and an OTLP/HTTP receiver that reads and discards exports. Unlike the test fixtures of the
 * {@code testing} module, neither keeps what it received, so millions of calls cost no memory.
 */
final class LoopbackServers implements AutoCloseable {

    static final byte[] BODY =
            "{\"sku\":\"A-1\",\"stock\":42,\"warehouse\":\"north\",\"ok\":true}\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer upstream;
    private final HttpServer otlp;
    private final ExecutorService executor;
    private final AtomicLong upstreamRequests = new AtomicLong();
    private final AtomicLong traceExports = new AtomicLong();
    private final AtomicLong otherExports = new AtomicLong();

    private LoopbackServers() throws IOException {
        // Without this the JDK server writes head and body as two small segments and Nagle's algorithm
        // meets the client's delayed ACK: 40 ms per call instead of tens of microseconds.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-loopback");
            t.setDaemon(true);
            return t;
        });
        InetAddress loopback = InetAddress.getLoopbackAddress();
        upstream = HttpServer.create(new InetSocketAddress(loopback, 0), 256);
        upstream.setExecutor(executor);
        upstream.createContext("/", this::answerUpstream);
        otlp = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        otlp.setExecutor(executor);
        otlp.createContext("/", this::answerOtlp);
        upstream.start();
        otlp.start();
    }

    static LoopbackServers start() throws IOException {
        return new LoopbackServers();
    }

    /**
     * Drives the upstream from this JVM (no agent here) for a few seconds, so that the server's code is
     * compiled before the first variant is measured; otherwise the variant that runs first pays for it.
     */
    void warmUp() throws IOException {
        java.net.URL url = java.net
                .URI
                .create("http://127.0.0.1:" + upstreamPort() + "/warm-up")
                .toURL();
        long deadline = System.nanoTime() + 4_000_000_000L;
        for (int i = 0; i < 30_000 && System.nanoTime() < deadline; i++) {
            java.net.HttpURLConnection connection = (java.net.HttpURLConnection) url.openConnection();
            connection.getResponseCode();
            try (InputStream in = connection.getInputStream()) {
                drain(in);
            }
        }
    }

    int upstreamPort() {
        return upstream.getAddress().getPort();
    }

    String otlpEndpoint() {
        return "http://127.0.0.1:" + otlp.getAddress().getPort();
    }

    long upstreamRequests() {
        return upstreamRequests.get();
    }

    /** OTLP trace export requests received so far. */
    long traceExports() {
        return traceExports.get();
    }

    /** OTLP metric and log export requests received so far (none are expected: both are turned off). */
    long otherExports() {
        return otherExports.get();
    }

    private void answerUpstream(HttpExchange exchange) throws IOException {
        try (exchange) {
            drain(exchange.getRequestBody());
            upstreamRequests.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        }
    }

    private void answerOtlp(HttpExchange exchange) throws IOException {
        try (exchange) {
            drain(exchange.getRequestBody());
            if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
                traceExports.incrementAndGet();
            } else {
                otherExports.incrementAndGet();
            }
            // An empty body is a valid, empty Export*ServiceResponse: everything accepted.
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    @Override
    public void close() {
        upstream.stop(0);
        otlp.stop(0);
        executor.shutdownNow();
    }
}
