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
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpForwarderTest {

  @Test
  void everyExportReachesEveryCollector() throws Exception {
    try (OtlpReceiver demo = OtlpReceiver.start();
        OtlpReceiver jaeger = OtlpReceiver.start();
        OtlpForwarder forwarder = OtlpForwarder.start(List.of(demo.endpoint(), jaeger.endpoint()))) {
      byte[] export = ExportTraceServiceRequest.newBuilder()
          .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
              .addSpans(Span.newBuilder()
                  .setTraceId(ByteString.copyFrom(new byte[16]).concat(ByteString.EMPTY))
                  .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                  .setName("GET")
                  .setKind(Span.SpanKind.SPAN_KIND_CLIENT))))
          .build().toByteArray();

      HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(forwarder.endpoint() + OtlpReceiver.TRACES))
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(export)).build(),
          HttpResponse.BodyHandlers.ofByteArray());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(demo.awaitSpans(span -> span.name().equals("GET"), 1, Duration.ofSeconds(5)))
          .hasSize(1);
      assertThat(jaeger.awaitSpans(span -> span.name().equals("GET"), 1, Duration.ofSeconds(5)))
          .singleElement().satisfies(span -> assertThat(span.kind()).isEqualTo("CLIENT"));
      assertThat(forwarder.forwardFailures()).isZero();
    }
  }
}
