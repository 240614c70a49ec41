package dev.upstreamguard.testing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP receiver on 127.0.0.1 that keeps the spans exported to it, for tests to assert
 * on. It decodes {@code POST /v1/traces} with {@code Content-Type: application/x-protobuf}
 * (optionally gzip-encoded) and answers with an empty {@code ExportTraceServiceResponse}; it decodes
 * {@code POST /v1/metrics} likewise (read with {@link #metrics()}, {@link #latestMetric} and {@link
 * #awaitMetric}); {@code /v1/logs} is answered 200 and counted, not decoded. Thread-safe.
 *
 * <pre>{@code
 * try (OtlpReceiver otlp = OtlpReceiver.start()) {
 *   // run the code under test with otel.exporter.otlp.endpoint=otlp.endpoint()
 *   List<ReceivedSpan> gets = otlp.awaitSpans(s -> s.name().equals("GET"), 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class OtlpReceiver implements AutoCloseable {

    /** The path of trace exports. */
    public static final String TRACES = "/v1/traces";
    /** The path of metric exports. */
    public static final String METRICS = "/v1/metrics";
    /** The path of log exports. */
    public static final String LOGS = "/v1/logs";

    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
    private volatile int responseStatus = 200;

    // guarded by this; awaitSpans waits on this
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final List<ReceivedMetric> metrics = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
        this.executor = Executors.newCachedThreadPool(Loopback.daemonThreads("otlp-receiver"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts a receiver on a free port. */
    public static OtlpReceiver start() {
        return start(0);
    }

    /** Starts a receiver on this port (0 for a free one). */
    public static OtlpReceiver start(int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(Loopback.ADDRESS, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + port + " for an OtlpReceiver", e);
        }
        OtlpReceiver receiver = new OtlpReceiver(server);
        // The server's dispatcher thread inherits daemon-ness from the thread that starts it.
        Thread starter = new Thread(server::start, "otlp-receiver-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            receiver.close();
            throw new IllegalStateException("interrupted while starting an OtlpReceiver", e);
        }
        return receiver;
    }

    /** {@code "http://127.0.0.1:PORT"}: the value for {@code otel.exporter.otlp.endpoint}. */
    public String endpoint() {
        return "http://" + Loopback.HOST + ":" + port();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The spans received so far, in arrival order (a snapshot). */
    public synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /**
     * Waits until at least {@code count} received spans match {@code filter}, and returns all that
     * match.
     *
     * @throws AssertionError on timeout (or interrupt), listing every span received, so that the
     *     test failure says what came instead
     */
    public synchronized List<ReceivedSpan> awaitSpans(Predicate<ReceivedSpan> filter, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReceivedSpan> matching = spans.stream().filter(filter).collect(Collectors.toList());
            if (matching.size() >= count) {
                return matching;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(describeShortfall(count, matching.size(), timeout));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while " + describeShortfall(count, matching.size(), timeout));
            }
        }
    }

    /** The metrics received so far, one per metric and export, in arrival order (a snapshot). */
    public synchronized List<ReceivedMetric> metrics() {
        return List.copyOf(metrics);
    }

    /** The newest export of the metric named {@code name}, or {@code null} when none came. */
    public synchronized ReceivedMetric latestMetric(String name) {
        for (int i = metrics.size() - 1; i >= 0; i--) {
            if (metrics.get(i).name().equals(name)) {
                return metrics.get(i);
            }
        }
        return null;
    }

    /**
     * Waits until the newest export of the metric named {@code name} matches {@code until}, and returns it.
     *
     * @throws AssertionError on timeout (or interrupt), with the newest export of it that came
     */
    public synchronized ReceivedMetric awaitMetric(String name, Predicate<ReceivedMetric> until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ReceivedMetric latest = latestMetric(name);
            if (latest != null && until.test(latest)) {
                return latest;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                throw new AssertionError("metric " + name + " did not match within " + timeout.toMillis()
                        + " ms; newest: " + latest + " (" + exportRequests(METRICS)
                        + " metric export request(s); problems: " + problems + ")");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Forgets the spans, the metrics, the request counts and any decoding problems. */
    public synchronized void clear() {
        metrics.clear();
        spans.clear();
        problems.clear();
        requestCounts.clear();
    }

    /** How many trace export requests ({@code POST /v1/traces}) arrived, failed ones included. */
    public int exportRequests() {
        return exportRequests(TRACES);
    }

    /** How many export requests arrived on this path: {@link #TRACES}, {@link #METRICS}, {@link #LOGS}. */
    public int exportRequests(String path) {
        AtomicInteger count = requestCounts.get(path);
        return count == null ? 0 : count.get();
    }

    /**
     * Answers later export requests with this HTTP status, without keeping their spans; 200
     * restores normal receiving.
     */
    public void respondWith(int status) {
        this.responseStatus = status;
    }

    /** Stops the server and its threads. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "OtlpReceiver[" + endpoint() + "]";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            if (!List.of(TRACES, METRICS, LOGS).contains(path)) {
                respond(exchange, 404, "no OTLP signal at " + path);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "OTLP exports are POSTed");
                return;
            }
            requestCounts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            int status = responseStatus;
            if (status != 200) {
                respond(exchange, status, "failing on purpose (respondWith " + status + ")");
                return;
            }
            if (TRACES.equals(path)) {
                receiveTraces(exchange, body);
            } else if (METRICS.equals(path)) {
                receiveMetrics(exchange, body);
            } else {
                exchange.sendResponseHeaders(200, -1);
            }
        }
    }

    private void receiveTraces(HttpExchange exchange, byte[] body) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-protobuf")) {
            problem("trace export with Content-Type " + contentType + "; only application/x-protobuf"
                    + " is supported (set otel.exporter.otlp.protocol=http/protobuf)");
            respond(exchange, 415, "only application/x-protobuf is supported");
            return;
        }
        List<ReceivedSpan> received;
        try {
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if ("gzip".equalsIgnoreCase(encoding)) {
                try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gunzip.readAllBytes();
                }
            }
            received = decode(ExportTraceServiceRequest.parseFrom(body));
        } catch (IOException e) { // corrupt gzip or protobuf
            problem("undecodable trace export (" + body.length + " bytes): " + e);
            respond(exchange, 400, "undecodable ExportTraceServiceRequest");
            return;
        }
        synchronized (this) {
            spans.addAll(received);
            notifyAll();
        }
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        sendBody(exchange, 200, answer);
    }

    private void receiveMetrics(HttpExchange exchange, byte[] body) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-protobuf")) {
            problem("metric export with Content-Type " + contentType + "; only application/x-protobuf is supported");
            respond(exchange, 415, "only application/x-protobuf is supported");
            return;
        }
        List<ReceivedMetric> received;
        try {
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gunzip.readAllBytes();
                }
            }
            received = decode(ExportMetricsServiceRequest.parseFrom(body));
        } catch (IOException e) {
            problem("undecodable metric export (" + body.length + " bytes): " + e);
            respond(exchange, 400, "undecodable ExportMetricsServiceRequest");
            return;
        }
        synchronized (this) {
            metrics.addAll(received);
            notifyAll();
        }
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        sendBody(
                exchange, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    }

    static List<ReceivedMetric> decode(ExportMetricsServiceRequest request) {
        List<ReceivedMetric> out = new ArrayList<>();
        for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
            Map<String, Object> resource =
                    attributes(resourceMetrics.getResource().getAttributesList());
            for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                String scope = scopeMetrics.getScope().getName();
                for (Metric metric : scopeMetrics.getMetricsList()) {
                    out.add(decode(metric, scope, resource));
                }
            }
        }
        return out;
    }

    private static ReceivedMetric decode(Metric metric, String scope, Map<String, Object> resource) {
        List<ReceivedMetric.ReceivedPoint> points = new ArrayList<>();
        boolean monotonic = false;
        String temporality = "UNSPECIFIED";
        String kind = metric.getDataCase().name();
        switch (metric.getDataCase()) {
            case SUM -> {
                monotonic = metric.getSum().getIsMonotonic();
                temporality =
                        metric.getSum().getAggregationTemporality().name().replace("AGGREGATION_TEMPORALITY_", "");
                metric.getSum().getDataPointsList().forEach(p -> points.add(number(p)));
            }
            case GAUGE -> metric.getGauge().getDataPointsList().forEach(p -> points.add(number(p)));
            case HISTOGRAM -> {
                temporality = metric.getHistogram()
                        .getAggregationTemporality()
                        .name()
                        .replace("AGGREGATION_TEMPORALITY_", "");
                for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
                    points.add(new ReceivedMetric.ReceivedPoint(
                            attributes(p.getAttributesList()),
                            p.getSum(),
                            p.getCount(),
                            List.copyOf(p.getExplicitBoundsList())));
                }
            }
            default -> {} // exponential histograms and summaries: kind and name only
        }
        return new ReceivedMetric(
                metric.getName(), metric.getUnit(), kind, monotonic, temporality, List.copyOf(points), scope, resource);
    }

    private static ReceivedMetric.ReceivedPoint number(NumberDataPoint p) {
        double value = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
        return new ReceivedMetric.ReceivedPoint(attributes(p.getAttributesList()), value, 0, List.of());
    }

    private synchronized void problem(String what) {
        problems.add(what);
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        sendBody(exchange, status, HttpMessages.bytes(text));
    }

    private static void sendBody(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private String describeShortfall(int count, int matched, Duration timeout) {
        StringBuilder text = new StringBuilder()
                .append("expected at least ")
                .append(count)
                .append(" matching span(s) within ")
                .append(timeout.toMillis())
                .append(" ms but ")
                .append(matched)
                .append(" matched; ")
                .append(spans.size())
                .append(" span(s) received in ")
                .append(exportRequests())
                .append(" trace export request(s)");
        for (ReceivedSpan span : spans) {
            text.append("\n  ").append(span);
        }
        for (String problem : problems) {
            text.append("\n  problem: ").append(problem);
        }
        return text.toString();
    }

    static List<ReceivedSpan> decode(ExportTraceServiceRequest request) {
        List<ReceivedSpan> out = new ArrayList<>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            Resource resource = resourceSpans.getResource();
            Map<String, Object> resourceAttributes = attributes(resource.getAttributesList());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                String scope = scopeSpans.getScope().getName();
                for (Span span : scopeSpans.getSpansList()) {
                    out.add(decode(span, resourceAttributes, scope));
                }
            }
        }
        return out;
    }

    private static ReceivedSpan decode(Span span, Map<String, Object> resource, String scope) {
        List<ReceivedEvent> events = new ArrayList<>();
        for (Span.Event event : span.getEventsList()) {
            events.add(new ReceivedEvent(event.getName(), attributes(event.getAttributesList())));
        }
        return new ReceivedSpan(
                hex(span.getTraceId()),
                hex(span.getSpanId()),
                hex(span.getParentSpanId()),
                span.getName(),
                span.getKind().name().replace("SPAN_KIND_", ""),
                span.getStartTimeUnixNano(),
                span.getEndTimeUnixNano(),
                attributes(span.getAttributesList()),
                span.getStatus().getCode().name().replace("STATUS_CODE_", ""),
                span.getStatus().getMessage(),
                events,
                resource,
                scope);
    }

    private static Map<String, Object> attributes(List<KeyValue> keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue keyValue : keyValues) {
            map.put(keyValue.getKey(), value(keyValue.getValue()));
        }
        return map;
    }

    private static Object value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            case INT_VALUE -> value.getIntValue();
            case DOUBLE_VALUE -> value.getDoubleValue();
            case ARRAY_VALUE ->
                value.getArrayValue().getValuesList().stream()
                        .map(OtlpReceiver::value)
                        .collect(Collectors.toUnmodifiableList());
            case KVLIST_VALUE -> Map.copyOf(attributes(value.getKvlistValue().getValuesList()));
            case BYTES_VALUE -> hex(value.getBytesValue());
            default -> "";
        };
    }

    private static String hex(ByteString bytes) {
        return HEX.formatHex(bytes.toByteArray());
    }
}
