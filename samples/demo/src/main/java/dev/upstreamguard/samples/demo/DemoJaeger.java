package dev.upstreamguard.samples.demo;

import dev.upstreamguard.testing.Jaeger;
import dev.upstreamguard.testing.JaegerTrace;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Jaeger that {@code --jaeger} sends the guarded storefront's spans to: one already listening on
 * 127.0.0.1:4318 (OTLP) and 127.0.0.1:16686 (query), else one the demo starts from the binary {@code
 * tools/jaeger/build.sh} made (on free ports, in-memory, stopped with the demo). It reads a trace back
 * through Jaeger's query API. Builds nothing.
 */
final class DemoJaeger implements AutoCloseable {

    static final String USUAL_OTLP = "http://127.0.0.1:4318";
    static final String USUAL_QUERY = "http://127.0.0.1:16686";

    private final String otlpEndpoint;
    private final String queryUrl;
    private final Jaeger started; // null when it was running already
    private final Path workDir; // its configuration and log; null when it was running already
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DemoJaeger(String otlpEndpoint, String queryUrl, Jaeger started, Path workDir) {
        this.otlpEndpoint = Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
        this.queryUrl = Objects.requireNonNull(queryUrl, "queryUrl");
        this.started = started;
        this.workDir = workDir;
    }

    /**
     * A running Jaeger on the usual ports, else one started from the built binary (looked for from each of
     * {@code searchFrom}), else null.
     */
    static DemoJaeger find(Path... searchFrom) throws IOException {
        if (listening(4318) && listening(16686)) {
            return new DemoJaeger(USUAL_OTLP, USUAL_QUERY, null, null);
        }
        for (Path from : searchFrom) {
            Path binary = Jaeger.findBinary(from).orElse(null);
            if (binary != null) {
                Path workDir = Files.createTempDirectory("upstream-guard-demo-jaeger");
                Jaeger jaeger = Jaeger.start(binary, workDir);
                return new DemoJaeger(jaeger.otlpEndpoint(), jaeger.queryUrl(), jaeger, workDir);
            }
        }
        return null;
    }

    /** Why {@link #find} found none, in one line. */
    static String notFound(Path searchFrom) {
        return "--jaeger: no Jaeger on 127.0.0.1:4318/16686 and " + Jaeger.notFoundMessage(searchFrom)
                + "; running without Jaeger.";
    }

    String otlpEndpoint() {
        return otlpEndpoint;
    }

    /** {@code queryUrl/api/traces/{traceId}}: the trace as Jaeger's API gives it. */
    String apiLink(String traceId) {
        return queryUrl + "/api/traces/" + traceId;
    }

    /** The web UI's page of the trace: only a Jaeger that serves its UI (the docker image) has it. */
    String uiLink(String traceId) {
        return started == null ? "http://localhost:16686/trace/" + traceId : null;
    }

    /**
     * Polls Jaeger until it has {@code expected} spans of the trace (or {@code timeout} passed); the
     * spans it has then, in the receiver's model, in start order. Empty when Jaeger does not answer.
     */
    List<ReceivedSpan> awaitTrace(String traceId, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ReceivedSpan> spans = List.of();
        while (true) {
            try {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(URI.create(apiLink(traceId)))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    spans = JaegerTrace.parse(traceId, answer.body()).spans().stream()
                            .map(span -> span.toReceivedSpan())
                            .sorted(Comparator.comparingLong(ReceivedSpan::startEpochNanos))
                            .toList();
                }
            } catch (IOException | IllegalArgumentException notYet) {
                // not there yet, or not answering
            }
            if (spans.size() >= expected || System.nanoTime() > deadline) {
                return spans;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /**
     * Whether Jaeger's spans and the receiver's are the same: the same span ids, each with the same parent,
     * kind, name, status, service and the attributes that say what failed. Null when they agree, else what
     * differs first.
     */
    static String difference(List<ReceivedSpan> received, List<ReceivedSpan> jaeger) {
        if (received.isEmpty()) {
            return "the receiver got no span of the trace, so there is nothing to compare";
        }
        if (received.size() != jaeger.size()) {
            return "the receiver has " + received.size() + " spans, Jaeger " + jaeger.size();
        }
        for (ReceivedSpan ours : received) {
            ReceivedSpan theirs = jaeger.stream()
                    .filter(s -> s.spanId().equals(ours.spanId()))
                    .findFirst()
                    .orElse(null);
            if (theirs == null) {
                return "Jaeger has no span " + ours.spanId();
            }
            for (String what : List.of(
                    "parent",
                    "kind",
                    "name",
                    "status",
                    "service",
                    "upstreamguard.failure",
                    "upstreamguard.failed.dependency",
                    "upstreamguard.attempts",
                    "upstreamguard.attempt",
                    "http.response.status_code",
                    "http.request.resend_count",
                    "peer.service",
                    "error.type")) {
                String a = aspect(ours, what);
                String b = aspect(theirs, what);
                if (!Objects.equals(a, b)) {
                    return "span " + ours.spanId() + ": " + what + " is " + a + " in the receiver, " + b + " in Jaeger";
                }
            }
        }
        return null;
    }

    private static String aspect(ReceivedSpan span, String what) {
        return switch (what) {
            case "parent" -> span.parentSpanId();
            case "kind" -> span.kind();
            case "name" -> span.name();
            case "status" -> span.statusCode();
            case "service" -> String.valueOf(span.resource().get("service.name"));
            default -> span.attr(what);
        };
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the Jaeger the demo started, if it started one, and removes its files. */
    @Override
    public void close() {
        if (started == null) {
            return;
        }
        started.close();
        try (var files = Files.list(workDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(workDir);
        } catch (IOException e) {
            // a temporary directory: the system cleans it up eventually
        }
    }
}
