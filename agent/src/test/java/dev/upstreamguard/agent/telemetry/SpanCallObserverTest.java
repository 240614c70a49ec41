package dev.upstreamguard.agent.telemetry;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.core.FailureKind;
import dev.upstreamguard.agent.core.GuardPolicy;
import dev.upstreamguard.agent.core.Outcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One CLIENT span per attempt with the HTTP semantic conventions and Upstream Guard's attributes. */
class SpanCallObserverTest {

    private static final String URL = "http://alice:secret@inventory.internal:8080/items?sig=abc&page=2";
    private static final CallRequest GET = new CallRequest("GET", "http", "inventory.internal", 8080, URL, true);
    private static final Dependency INVENTORY = new Dependency("inventory", true, GuardPolicy.defaults());

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private SdkTracerProvider provider;
    private Tracer tracer;
    private Span parent;
    private SpanCallObserver observer;

    @BeforeEach
    void startTracing() {
        provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        tracer = provider.get("test");
        parent = tracer.spanBuilder("GET /orders").setSpanKind(SpanKind.SERVER).startSpan();
        Context parentContext = Context.root().with(parent);
        observer = new SpanCallObserver(tracer, () -> parentContext);
    }

    @AfterEach
    void stopTracing() {
        provider.close();
    }

    private SpanData onlySpan() {
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(1);
        return spans.get(0);
    }

    @Test
    void eachAttemptIsOneClientSpanNamedAfterTheMethod() {
        CallObserver.CallTrace call = observer.startCall(GET, INVENTORY);
        call.startAttempt(1, 2_000, 10_000).end(503, null, FailureKind.STATUS, null, false);
        call.startAttempt(2, 2_000, 9_000).end(200, null, null, Outcome.SUCCESS, false);

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(2);
        assertThat(spans).allSatisfy(s -> {
            assertThat(s.getName()).isEqualTo("GET");
            assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
        });
        assertThat(spans)
                .extracting(s -> s.getAttributes().get(longKey("upstreamguard.attempt")))
                .containsExactly(1L, 2L);
        assertThat(spans.get(0).getSpanId()).isNotEqualTo(spans.get(1).getSpanId());
    }

    @Test
    void spanNameFollowsTheRequestMethod() {
        CallRequest post = new CallRequest("POST", "https", "pricing", 443, "https://pricing/quote", true);

        observer.startCall(post, INVENTORY).startAttempt(1, 1, 1).end(200, null, null, Outcome.SUCCESS, false);

        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("POST");
        assertThat(span.getAttributes().get(stringKey("http.request.method"))).isEqualTo("POST");
        assertThat(span.getAttributes().get(longKey("server.port"))).isEqualTo(443L);
    }

    @Test
    void attemptCarriesRequestDependencyAndTimeoutAttributes() {
        observer.startCall(GET, INVENTORY).startAttempt(1, 500, 7_000).end(200, null, null, Outcome.SUCCESS, false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(span.getAttributes().get(stringKey("server.address"))).isEqualTo("inventory.internal");
        assertThat(span.getAttributes().get(longKey("server.port"))).isEqualTo(8080L);
        assertThat(span.getAttributes().get(stringKey("url.full")))
                .isEqualTo("http://REDACTED:REDACTED@inventory.internal:8080/items?sig=REDACTED&page=2");
        assertThat(span.getAttributes().get(stringKey("service.peer.name"))).isEqualTo("inventory");
        assertThat(span.getAttributes().get(stringKey("peer.service"))).isEqualTo("inventory");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.dependency")))
                .isEqualTo("inventory");
        assertThat(span.getAttributes().get(longKey("upstreamguard.timeout.connect_ms")))
                .isEqualTo(500L);
        assertThat(span.getAttributes().get(longKey("upstreamguard.timeout.read_ms")))
                .isEqualTo(7_000L);
    }

    @Test
    void unnamedDependencyIsRecordedAsHostPort() {
        Dependency unnamed = new Dependency("inventory.internal:8080", false, GuardPolicy.defaults());

        observer.startCall(GET, unnamed).startAttempt(1, 1, 1).end(200, null, null, Outcome.SUCCESS, false);

        assertThat(onlySpan().getAttributes().get(stringKey("peer.service"))).isEqualTo("inventory.internal:8080");
    }

    @Test
    void resendCountIsOnlyOnAttemptsAfterTheFirst() {
        CallObserver.CallTrace call = observer.startCall(GET, INVENTORY);
        for (int n = 1; n <= 3; n++) {
            call.startAttempt(n, 1, 1).end(503, null, FailureKind.STATUS, n == 3 ? Outcome.EXHAUSTED : null, false);
        }

        assertThat(exporter.getFinishedSpanItems())
                .extracting(s -> s.getAttributes().get(longKey("http.request.resend_count")))
                .containsExactly(null, 1L, 2L);
    }

    @Test
    void successfulAttemptHasStatusCodeOutcomeAndNoError() {
        observer.startCall(GET, INVENTORY).startAttempt(1, 1, 1).end(200, null, null, Outcome.SUCCESS, false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(longKey("http.response.status_code")))
                .isEqualTo(200L);
        assertThat(span.getAttributes().get(stringKey("upstreamguard.outcome"))).isEqualTo("success");
        assertThat(span.getAttributes().get(stringKey("error.type"))).isNull();
        assertThat(span.getAttributes().get(stringKey("upstreamguard.failure"))).isNull();
        assertThat(span.getAttributes().get(booleanKey("upstreamguard.would_retry")))
                .isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void retriedStatusFailureIsAnErrorWithoutOutcome() {
        observer.startCall(GET, INVENTORY).startAttempt(1, 1, 1).end(503, null, FailureKind.STATUS, null, false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(longKey("http.response.status_code")))
                .isEqualTo(503L);
        assertThat(span.getAttributes().get(stringKey("error.type"))).isEqualTo("503");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.failure"))).isEqualTo("status");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.outcome"))).isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void clientErrorStatusIsAnErrorTypeWithoutFailure() {
        observer.startCall(GET, INVENTORY).startAttempt(1, 1, 1).end(404, null, null, Outcome.SUCCESS, false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(stringKey("error.type"))).isEqualTo("404");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.failure"))).isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void exceptionIsRecordedByItsFullyQualifiedClassName() {
        observer.startCall(GET, INVENTORY)
                .startAttempt(1, 1, 1)
                .end(-1, new ConnectException("refused"), FailureKind.CONNECT_FAILURE, Outcome.EXHAUSTED, false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(stringKey("error.type"))).isEqualTo("java.net.ConnectException");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.failure"))).isEqualTo("connect-failure");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.outcome"))).isEqualTo("exhausted");
        assertThat(span.getAttributes().get(longKey("http.response.status_code")))
                .isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void timeoutIsRecordedAsTimeoutRatherThanTheExceptionClass() {
        observer.startCall(GET, INVENTORY)
                .startAttempt(1, 1, 1)
                .end(
                        -1,
                        new SocketTimeoutException("Read timed out"),
                        FailureKind.TIMEOUT,
                        Outcome.NON_IDEMPOTENT,
                        false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(stringKey("error.type"))).isEqualTo("timeout");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.failure"))).isEqualTo("timeout");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.outcome"))).isEqualTo("non-idempotent");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void applicationExceptionWithoutFailureKindStillMarksTheSpanFailed() {
        observer.startCall(GET, INVENTORY)
                .startAttempt(1, 1, 1)
                .end(-1, new IllegalStateException("closed"), null, Outcome.NOT_RETRYABLE, false);

        SpanData span = onlySpan();
        assertThat(span.getAttributes().get(stringKey("error.type"))).isEqualTo("java.lang.IllegalStateException");
        assertThat(span.getAttributes().get(stringKey("upstreamguard.failure"))).isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void observeModeRecordsWouldRetry() {
        observer.startCall(GET, INVENTORY)
                .startAttempt(1, 1, 1)
                .end(503, null, FailureKind.STATUS, Outcome.EXHAUSTED, true);

        assertThat(onlySpan().getAttributes().get(booleanKey("upstreamguard.would_retry")))
                .isTrue();
    }

    @Test
    void attemptSpansAreChildrenOfTheSuppliedParent() {
        CallObserver.CallTrace call = observer.startCall(GET, INVENTORY);
        call.startAttempt(1, 1, 1).end(503, null, FailureKind.STATUS, null, false);
        call.startAttempt(2, 1, 1).end(200, null, null, Outcome.SUCCESS, false);

        assertThat(exporter.getFinishedSpanItems()).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
            assertThat(s.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        });
    }

    @Test
    void parentIsCapturedWhenTheCallStartsNotWhenAnAttemptStarts() {
        Span[] current = {parent};
        SpanCallObserver switching =
                new SpanCallObserver(tracer, () -> Context.root().with(current[0]));
        CallObserver.CallTrace call = switching.startCall(GET, INVENTORY);
        current[0] = tracer.spanBuilder("other").startSpan();

        call.startAttempt(1, 1, 1).end(200, null, null, Outcome.SUCCESS, false);

        assertThat(exporter.getFinishedSpanItems())
                .singleElement()
                .satisfies(s -> assertThat(s.getParentSpanId())
                        .isEqualTo(parent.getSpanContext().getSpanId()));
    }

    @Test
    void traceparentIsTheAttemptSpanInW3cFormat() {
        CallObserver.AttemptTrace attempt = observer.startCall(GET, INVENTORY).startAttempt(1, 1, 1);
        String traceparent = attempt.traceparent();
        attempt.end(200, null, null, Outcome.SUCCESS, false);

        SpanData span = onlySpan();
        assertThat(traceparent)
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
                .isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                        + span.getSpanContext().getTraceFlags().asHex());
        assertThat(span.getSpanContext().isSampled())
                .as("the sampled flag is sent")
                .isTrue();
    }

    @Test
    void tracestateIsAbsentWithoutVendorState() {
        assertThat(observer.startCall(GET, INVENTORY).startAttempt(1, 1, 1).tracestate())
                .isNull();
    }

    @Test
    void tracestateOfTheParentIsPassedOn() {
        SpanContext remote = SpanContext.createFromRemoteParent(
                "0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331",
                TraceFlags.getSampled(),
                TraceState.builder().put("vendor", "v1").put("other", "x").build());
        SpanCallObserver withState =
                new SpanCallObserver(tracer, () -> Context.root().with(Span.wrap(remote)));

        CallObserver.AttemptTrace attempt = withState.startCall(GET, INVENTORY).startAttempt(1, 1, 1);

        assertThat(attempt.tracestate())
                .contains("vendor=v1")
                .contains("other=x")
                .matches("[^,]+=[^,]+,[^,]+=[^,]+");
        assertThat(attempt.traceparent()).startsWith("00-0af7651916cd43dd8448eb211c80319c-");
    }

    @Test
    void noTraceHeadersWhenTracingProducesNoValidSpan() {
        SpanCallObserver noop = new SpanCallObserver(TracerProvider.noop().get("x"), Context::root);

        CallObserver.AttemptTrace attempt = noop.startCall(GET, INVENTORY).startAttempt(1, 1, 1);

        assertThat(attempt.traceparent()).isNull();
        assertThat(attempt.tracestate()).isNull();
        attempt.end(200, null, null, Outcome.SUCCESS, false); // must not throw
    }
}
