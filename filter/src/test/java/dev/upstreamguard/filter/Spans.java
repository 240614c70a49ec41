package dev.upstreamguard.filter;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** An SDK exporting to memory, and waiting for spans that end after the client already has its response. */
final class Spans {
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    /** The one SERVER span whose url.path is {@code path}, waiting up to 5 s for it to end. */
    SpanData serverSpan(String path) throws InterruptedException {
        List<SpanData> spans = await(
                s -> s.getKind() == SpanKind.SERVER
                        && path.equals(s.getAttributes().get(RequestTracer.URL_PATH)),
                1);
        if (spans.size() != 1) {
            throw new AssertionError("expected one SERVER span for " + path + " but found " + spans + " among "
                    + exporter.getFinishedSpanItems());
        }
        return spans.get(0);
    }

    List<SpanData> await(Predicate<SpanData> filter, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<SpanData> found =
                    exporter.getFinishedSpanItems().stream().filter(filter).collect(Collectors.toList());
            if (found.size() >= atLeast || System.nanoTime() > deadline) {
                Thread.sleep(50); // let a wrongly duplicated span show up too
                return exporter.getFinishedSpanItems().stream().filter(filter).collect(Collectors.toList());
            }
            Thread.sleep(10);
        }
    }

    void reset() {
        exporter.reset();
    }

    void close() {
        sdk.close();
    }
}
