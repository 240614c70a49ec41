package dev.upstreamguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpReceiverTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private OtlpReceiver otlp;

    @BeforeEach
    void setUp() {
        otlp = OtlpReceiver.start();
    }

    @AfterEach
    void tearDown() {
        otlp.close();
    }

    private SdkTracerProvider tracerProvider(String compression) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(otlp.endpoint() + "/v1/traces")
                .setCompression(compression)
                .setRetryPolicy(null)
                .build();
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "fixture-test"))))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
    }

    @Test
    void decodesSpansExportedByTheSdk() {
        Span server;
        Span client;
        try (SdkTracerProvider provider = tracerProvider("none")) {
            Tracer tracer = provider.get("fixture-scope");
            server = tracer.spanBuilder("GET /orders")
                    .setSpanKind(SpanKind.SERVER)
                    .startSpan();
            Scope scope = server.makeCurrent();
            try {
                client = tracer.spanBuilder("GET")
                        .setSpanKind(SpanKind.CLIENT)
                        .setAttribute("http.request.method", "GET")
                        .setAttribute("server.port", 8080L)
                        .setAttribute("ratio", 0.5)
                        .setAttribute("retried", true)
                        .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
                        .startSpan();
                client.addEvent(
                        "upstreamguard.upstream_failure",
                        Attributes.of(AttributeKey.stringKey("upstreamguard.failure"), "reset"));
                client.setStatus(StatusCode.ERROR, "boom");
                client.end();
            } finally {
                scope.close();
            }
            server.end();
            provider.forceFlush().join(5, TimeUnit.SECONDS);
        }

        ReceivedSpan received =
                otlp.awaitSpans(s -> s.kind().equals("CLIENT"), 1, WAIT).get(0);
        ReceivedSpan root =
                otlp.awaitSpans(s -> s.kind().equals("SERVER"), 1, WAIT).get(0);

        assertThat(received.traceId())
                .isEqualTo(client.getSpanContext().getTraceId())
                .isEqualTo(root.traceId())
                .hasSize(32);
        assertThat(received.spanId())
                .isEqualTo(client.getSpanContext().getSpanId())
                .hasSize(16);
        assertThat(received.parentSpanId()).isEqualTo(server.getSpanContext().getSpanId());
        assertThat(root.parentSpanId()).isEmpty();
        assertThat(root.isRoot()).isTrue();
        assertThat(received.name()).isEqualTo("GET");
        assertThat(root.name()).isEqualTo("GET /orders");
        assertThat(received.attr("http.request.method")).isEqualTo("GET");
        assertThat(received.longAttr("server.port")).isEqualTo(8080L);
        assertThat(received.attributes().get("ratio")).isEqualTo(0.5);
        assertThat(received.attributes().get("retried")).isEqualTo(true);
        assertThat(received.attributes().get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(received.hasAttr("absent")).isFalse();
        assertThat(received.attr("absent")).isNull();
        assertThat(received.longAttr("http.request.method")).isNull();
        assertThat(received.statusCode()).isEqualTo("ERROR");
        assertThat(received.statusMessage()).isEqualTo("boom");
        assertThat(root.statusCode()).isEqualTo("UNSET");
        assertThat(received.events()).singleElement().satisfies(event -> {
            assertThat(event.name()).isEqualTo("upstreamguard.upstream_failure");
            assertThat(event.attr("upstreamguard.failure")).isEqualTo("reset");
        });
        assertThat(received.resource()).containsEntry("service.name", "fixture-test");
        assertThat(received.scopeName()).isEqualTo("fixture-scope");
        assertThat(received.startEpochNanos()).isPositive();
        assertThat(received.durationMillis()).isGreaterThanOrEqualTo(0.0);
        assertThat(otlp.exportRequests()).isEqualTo(2);
    }

    @Test
    void decodesGzipExports() {
        try (SdkTracerProvider provider = tracerProvider("gzip")) {
            provider.get("gzip-scope").spanBuilder("zipped").startSpan().end();
        }

        ReceivedSpan span =
                otlp.awaitSpans(s -> s.name().equals("zipped"), 1, WAIT).get(0);
        assertThat(span.kind()).isEqualTo("INTERNAL");
        assertThat(otlp.spans()).hasSize(1);
    }

    @Test
    void awaitSpansFailsWithWhatWasReceived() {
        try (SdkTracerProvider provider = tracerProvider("none")) {
            provider.get("s")
                    .spanBuilder("something-else")
                    .setAttribute("k", "v")
                    .startSpan()
                    .end();
        }
        otlp.awaitSpans(s -> true, 1, WAIT);

        assertThatThrownBy(() -> otlp.awaitSpans(s -> s.name().equals("wanted"), 1, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected at least 1 matching span(s)")
                .hasMessageContaining("something-else")
                .hasMessageContaining("k=v");
    }

    @Test
    void respondWithMakesExportsFail() {
        otlp.respondWith(503);
        try (SdkTracerProvider provider = tracerProvider("none")) {
            provider.get("s").spanBuilder("lost").startSpan().end();
            provider.forceFlush().join(5, TimeUnit.SECONDS);
            assertThat(otlp.exportRequests()).isEqualTo(1);
            assertThat(otlp.spans()).isEmpty();

            otlp.respondWith(200);
            provider.get("s").spanBuilder("kept").startSpan().end();
        }
        assertThat(otlp.awaitSpans(s -> true, 1, WAIT))
                .extracting(ReceivedSpan::name)
                .containsExactly("kept");
        assertThat(otlp.exportRequests()).isEqualTo(2);

        otlp.clear();
        assertThat(otlp.spans()).isEmpty();
        assertThat(otlp.exportRequests()).isZero();
    }

    @Test
    void countsLogsWithoutDecodingAndRejectsUndecodableMetrics() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of(OtlpReceiver.METRICS, OtlpReceiver.LOGS, OtlpReceiver.LOGS)) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(otlp.endpoint() + path))
                            .header("Content-Type", "application/x-protobuf")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(path.equals(OtlpReceiver.METRICS) ? 400 : 200);
        }

        assertThat(otlp.exportRequests(OtlpReceiver.METRICS)).isEqualTo(1);
        assertThat(otlp.exportRequests(OtlpReceiver.LOGS)).isEqualTo(2);
        assertThat(otlp.exportRequests()).isZero();
        assertThat(otlp.metrics()).isEmpty();
    }

    @Test
    void decodesMetricsExportedByTheRealSdk() {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(otlp.endpoint() + OtlpReceiver.METRICS)
                .build();
        SdkMeterProvider meters = SdkMeterProvider.builder()
                .registerMetricReader(PeriodicMetricReader.builder(exporter)
                        .setInterval(Duration.ofHours(1))
                        .build())
                .build();
        try {
            Meter meter = meters.get("receiver-test");
            meter.counterBuilder("test.calls")
                    .setUnit("{call}")
                    .build()
                    .add(3, Attributes.of(AttributeKey.stringKey("outcome"), "success"));
            meter.upDownCounterBuilder("test.in_flight").build().add(-1);
            meter.histogramBuilder("test.duration")
                    .setUnit("s")
                    .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0))
                    .build()
                    .record(0.5);
            meters.forceFlush().join(10, TimeUnit.SECONDS);
        } finally {
            meters.shutdown().join(10, TimeUnit.SECONDS);
        }

        ReceivedMetric calls = otlp.awaitMetric("test.calls", m -> true, WAIT);
        assertThat(calls.kind()).isEqualTo("SUM");
        assertThat(calls.monotonic()).isTrue();
        assertThat(calls.unit()).isEqualTo("{call}");
        assertThat(calls.temporality()).isEqualTo("CUMULATIVE");
        assertThat(calls.scopeName()).isEqualTo("receiver-test");
        assertThat(calls.total(java.util.Map.of("outcome", "success"))).isEqualTo(3);
        ReceivedMetric inFlight = otlp.latestMetric("test.in_flight");
        assertThat(inFlight.monotonic()).isFalse();
        assertThat(inFlight.total(java.util.Map.of())).isEqualTo(-1);
        ReceivedMetric duration = otlp.latestMetric("test.duration");
        assertThat(duration.kind()).isEqualTo("HISTOGRAM");
        assertThat(duration.points()).singleElement().satisfies(p -> {
            assertThat(p.count()).isEqualTo(1);
            assertThat(p.value()).isEqualTo(0.5);
            assertThat(p.bounds()).containsExactly(0.1, 1.0);
        });
    }

    @Test
    void rejectsJsonAndGarbageReadably() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> json = client.send(
                HttpRequest.newBuilder(URI.create(otlp.endpoint() + "/v1/traces"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> garbage = client.send(
                HttpRequest.newBuilder(URI.create(otlp.endpoint() + "/v1/traces"))
                        .header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01}))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThatThrownBy(() -> otlp.awaitSpans(s -> true, 1, Duration.ofMillis(50)))
                .hasMessageContaining("application/json")
                .hasMessageContaining("undecodable");
    }

    @Test
    void bindsLoopbackOnTheGivenPortWithDaemonThreads() {
        int port = Ports.refusedPort();
        try (OtlpReceiver fixed = OtlpReceiver.start(port)) {
            assertThat(fixed.port()).isEqualTo(port);
            assertThat(fixed.endpoint()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().startsWith("HTTP-Dispatcher"))
                    .isNotEmpty()
                    .allMatch(Thread::isDaemon);
        }
    }
}
