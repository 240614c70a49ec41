package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.upstreamguard.testing.OtlpReceiver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OtlpForwarderTest {

    @Test
    void everyExportReachesEveryCollector() throws Exception {
        try (OtlpReceiver demo = OtlpReceiver.start();
                OtlpReceiver jaeger = OtlpReceiver.start();
                OtlpForwarder forwarder = OtlpForwarder.start(List.of(demo.endpoint(), jaeger.endpoint()))) {
            byte[] export = ExportTraceServiceRequest.newBuilder()
                    .addResourceSpans(ResourceSpans.newBuilder()
                            .addScopeSpans(ScopeSpans.newBuilder()
                                    .addSpans(Span.newBuilder()
                                            .setTraceId(ByteString.copyFrom(new byte[16])
                                                    .concat(ByteString.EMPTY))
                                            .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                                            .setName("GET")
                                            .setKind(Span.SpanKind.SPAN_KIND_CLIENT))))
                    .build()
                    .toByteArray();

            HttpResponse<byte[]> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(forwarder.endpoint() + OtlpReceiver.TRACES))
                                    .header("Content-Type", "application/x-protobuf")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(export))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(demo.awaitSpans(span -> span.name().equals("GET"), 1, Duration.ofSeconds(5)))
                    .hasSize(1);
            assertThat(jaeger.awaitSpans(span -> span.name().equals("GET"), 1, Duration.ofSeconds(5)))
                    .singleElement()
                    .satisfies(span -> assertThat(span.kind()).isEqualTo("CLIENT"));
            assertThat(forwarder.forwardFailures()).isZero();
        }
    }

    @Test
    void concurrentExportsToASlowCollectorAreAllForwarded() throws Exception {
        // a second collector that takes 300 ms per export, as Jaeger may; the agent exports traces and metrics
        // at the same time, so the forwarder must serve several exports at once without starving its client
        ExecutorService slowThreads = Executors.newFixedThreadPool(8);
        com.sun.net.httpserver.HttpServer slow = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        slow.setExecutor(slowThreads);
        slow.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(300);
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.start();
        try (OtlpReceiver demo = OtlpReceiver.start();
                OtlpForwarder forwarder = OtlpForwarder.start(List.of(
                        demo.endpoint(), "http://127.0.0.1:" + slow.getAddress().getPort()))) {
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (String path : List.of(OtlpReceiver.TRACES, "/v1/metrics", OtlpReceiver.TRACES, "/v1/metrics")) {
                sent.add(client.sendAsync(
                        HttpRequest.newBuilder(URI.create(forwarder.endpoint() + path))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (CompletableFuture<HttpResponse<byte[]>> answer : sent) {
                assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(forwarder.forwardFailures()).as("copies that timed out").isZero();
        } finally {
            slow.stop(0);
            slowThreads.shutdownNow();
        }
    }
}
