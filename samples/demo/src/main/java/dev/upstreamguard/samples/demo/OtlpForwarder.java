package dev.upstreamguard.samples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OTLP/HTTP endpoint on 127.0.0.1 that passes every export on, byte for byte, to several
 * collectors: the demo's own receiver (whose answer it returns) and Jaeger. So the trace the demo
 * draws and the one Jaeger shows come from the same exports. Thread-safe.
 */
final class OtlpForwarder implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ExecutorService clientThreads;
    private final List<String> targets;
    private final HttpClient client;
    private final AtomicInteger forwardFailures = new AtomicInteger();

    private OtlpForwarder(HttpServer server, List<String> targets) {
        this.server = server;
        this.targets = List.copyOf(targets);
        // Separate pools: a handler blocks in send() until the client's own threads finish the exchange, so
        // sharing one pool deadlocks as soon as the agent exports traces and metrics at the same time.
        this.handlers = Executors.newFixedThreadPool(4, daemon("otlp-forwarder"));
        this.clientThreads = Executors.newFixedThreadPool(2, daemon("otlp-forwarder-client"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .executor(clientThreads)
                .build();
        server.setExecutor(handlers);
        server.createContext("/", this::forward);
        server.start();
    }

    /**
     * Starts a forwarder; the first target's answer is the caller's answer.
     *
     * @param targets OTLP/HTTP base URLs such as {@code http://127.0.0.1:4318}
     */
    static OtlpForwarder start(List<String> targets) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            return new OtlpForwarder(server, targets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1 for the OTLP forwarder", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** {@code http://127.0.0.1:PORT}: the value for {@code otel.exporter.otlp.endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many copies could not be delivered to a target. */
    int forwardFailures() {
        return forwardFailures.get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            int status = 502;
            byte[] answer = new byte[0];
            for (int i = 0; i < targets.size(); i++) {
                HttpRequest.Builder copy = HttpRequest.newBuilder(URI.create(targets.get(i) + path))
                        .timeout(Duration.ofSeconds(3))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Content-Type", "Content-Encoding")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        copy.header(header, value);
                    }
                }
                try {
                    HttpResponse<byte[]> response = client.send(copy.build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (i == 0) {
                        status = response.statusCode();
                        answer = response.body();
                    }
                } catch (IOException e) {
                    forwardFailures.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        clientThreads.shutdownNow();
    }
}
