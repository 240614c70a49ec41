package dev.upstreamguard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jaeger fixture against the real binary: spans in, the query API out, stop by pid and restart. */
class JaegerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path workDir;

    private static Jaeger jaeger;

    @BeforeAll
    static void startJaeger() {
        // a missing binary fails these tests, never skips them: .ci/run builds it (tools/jaeger/build.sh)
        Path binary = Jaeger.findBinary().orElseThrow(() -> new AssertionError(Jaeger.notFoundMessage()));
        jaeger = Jaeger.start(binary, workDir);
    }

    @AfterAll
    static void stopJaeger() {
        if (jaeger != null) {
            jaeger.close();
        }
    }

    /** Exports a SERVER span with a CLIENT child through the SDK, as service {@code service}; returns the child. */
    private static Span[] export(String service) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(jaeger.otlpEndpoint() + "/v1/traces")
                .setRetryPolicy(null)
                .build();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build()) {
            Tracer tracer = provider.get("fixture-scope");
            Span server = tracer.spanBuilder("GET /orders")
                    .setSpanKind(SpanKind.SERVER)
                    .startSpan();
            Span client;
            try (Scope scope = server.makeCurrent()) {
                client = tracer.spanBuilder("GET")
                        .setSpanKind(SpanKind.CLIENT)
                        .setAttribute("peer.service", "inventory")
                        .setAttribute("http.response.status_code", 503L)
                        .setAttribute("upstreamguard.attempt", 2L)
                        .startSpan();
                client.addEvent("upstreamguard.upstream_failure");
                client.setStatus(StatusCode.ERROR);
                client.end();
            }
            server.end();
            provider.forceFlush().join(5, TimeUnit.SECONDS);
            return new Span[] {server, client};
        }
    }

    @Test
    void readsBackWhatWasExportedAsJaegerShowsIt() {
        Span[] spans = export("fixture-service");
        String traceId = spans[0].getSpanContext().getTraceId();

        JaegerTrace trace = jaeger.awaitTrace(traceId, t -> t.spans().size() == 2, WAIT);

        JaegerSpan server = trace.ofKind("SERVER").get(0);
        JaegerSpan client = trace.ofKind("CLIENT").get(0);
        assertThat(server.spanId()).isEqualTo(spans[0].getSpanContext().getSpanId());
        assertThat(server.parentSpanId()).isNull();
        assertThat(server.operationName()).isEqualTo("GET /orders");
        assertThat(client.parentSpanId()).isEqualTo(server.spanId());
        assertThat(client.serviceName()).isEqualTo("fixture-service");
        assertThat(client.tag("peer.service")).isEqualTo("inventory");
        assertThat(client.longTag("http.response.status_code")).isEqualTo(503L);
        assertThat(client.tag("otel.status_code")).isEqualTo("ERROR");
        assertThat(client.tags().get("error")).isEqualTo(true);
        assertThat(client.logNames()).containsExactly("upstreamguard.upstream_failure");
        assertThat(trace.span(client.spanId())).isEqualTo(client);
        assertThat(trace.json()).contains(traceId);
        assertThat(jaeger.services()).contains("fixture-service");
        assertThat(jaeger.get("/api/traces/" + "0".repeat(31) + "1").status()).isEqualTo(404);
    }

    @Test
    void listensOn127001OnlyAndStopsByPidAndRestartsOnTheSamePorts() throws Exception {
        URI otlp = URI.create(jaeger.otlpEndpoint());
        URI query = URI.create(jaeger.queryUrl());
        assertThat(otlp.getHost()).isEqualTo("127.0.0.1");
        assertThat(query.getHost()).isEqualTo("127.0.0.1");
        assertThat(Jaeger.config(1, 2, 3)).doesNotContain("0.0.0.0").doesNotContain("localhost");
        long pid = jaeger.pid();

        jaeger.stop();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(jaeger.isAlive()).isFalse();
        assertThat(accepts(otlp.getPort())).isFalse();

        jaeger.restart();

        assertThat(jaeger.pid()).isNotEqualTo(pid);
        assertThat(jaeger.otlpEndpoint()).isEqualTo(otlp.toString());
        Span[] spans = export("after-restart");
        assertThat(jaeger.awaitTrace(
                                spans[0].getSpanContext().getTraceId(),
                                t -> t.spans().size() == 2,
                                WAIT)
                        .spans())
                .allSatisfy(span -> assertThat(span.serviceName()).isEqualTo("after-restart"));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
