package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.http.impl.client.DefaultHttpRequestRetryHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The libraries' own retries, asked for explicitly by the application, do not multiply the agent's: the
 * agent runs every attempt (one span each), up to the larger of its max-attempts (3) and the attempts
 * the application asked for, waiting at least what the application asked for; a POST that may have
 * reached the upstream is sent once, and the application gets the exception type its client gives.
 * (With their defaults the conformance suite shows the same: Apache 5 re-sends a 503 once after 1 s,
 * a POST included; Apache 4 re-sends idempotent requests after I/O errors; OkHttp re-sends on
 * connection failures.)
 */
class LibraryRetriesIT {

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        Collector.receiver().clear();
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).isZero();
    }

    @Test
    void apache5RetryStrategyOfFiveRetriesKeepsItsSixAttemptsOneSpanEach() throws Exception {
        // the application asked for more than the agent's 3 attempts: it keeps them, and they are not multiplied
        upstream.otherwise(Fault.status(503));
        try (var client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(5, TimeValue.ofMilliseconds(10)))
                .build()) {
            int status = client.execute(
                    new org.apache.hc.client5.http.classic.methods.HttpGet(upstream.url("/x")),
                    response -> response.getCode());

            assertThat(status).isEqualTo(503);
        }
        assertThat(upstream.awaitHits(7, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(6);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 6);
        assertThat(spans).extracting(s -> s.longAttr("upstreamguard.attempt")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(spans.get(5).attr("upstreamguard.outcome")).isEqualTo("exhausted");
    }

    @Test
    void apache5RetryStrategyOfTheApplicationStillSucceedsAfterThreeRetryAfters() throws Exception {
        upstream.enqueue(Fault.retryAfter(503, "1"), Fault.retryAfter(503, "1"), Fault.retryAfter(503, "1"))
                .otherwise(Fault.ok("at last"));
        long start = System.nanoTime();
        try (var client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(5, TimeValue.ofSeconds(1)))
                .build()) {
            String body = client.execute(
                    new org.apache.hc.client5.http.classic.methods.HttpGet(upstream.url("/busy")),
                    response -> response.getCode() + " "
                            + org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity()));

            assertThat(body).isEqualTo("200 at last");
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).as("three waits of the 1 s asked for").isGreaterThanOrEqualTo(2_900L);
        assertThat(upstream.hits()).isEqualTo(4);
        assertThat(Collector.clientSpans(upstream.port(), 4)).hasSize(4);
    }

    @Test
    void apache5RetryStrategyThatWaitsLongerThanOurBackoffIsWaitedFor() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        long start = System.nanoTime();
        try (var client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(1, TimeValue.ofMilliseconds(700)))
                .build()) {
            int status = client.execute(
                    new org.apache.hc.client5.http.classic.methods.HttpGet(upstream.url("/x")),
                    response -> response.getCode());

            assertThat(status).isEqualTo(200);
        }
        // the agent's own backoff is 10..40 ms in the ITs; the application asked for 700 ms
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(690L);
        assertThat(upstream.hits()).isEqualTo(2);
    }

    @Test
    void apache4RetryHandlerThatRetriesEvenSentRequestsGivesWayToOurs() throws Exception {
        upstream.otherwise(Fault.resetBeforeHead());
        try (var client = org.apache.http.impl.client.HttpClients.custom()
                .setRetryHandler(new DefaultHttpRequestRetryHandler(5, true))
                .build()) {
            Throwable thrown = catchThrowable(() -> client.execute(
                    new org.apache.http.client.methods.HttpPost(upstream.url("/orders")), response -> 0));

            assertThat(thrown).isInstanceOf(IOException.class);
        }
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits())
                .as("a POST that may have arrived is sent once")
                .isEqualTo(1);
    }

    @Test
    void apache4ServiceUnavailableRetryStrategyKeepsItsSixAttemptsOneSpanEach() throws Exception {
        upstream.otherwise(Fault.status(503));
        try (var client = org.apache.http.impl.client.HttpClients.custom()
                .setServiceUnavailableRetryStrategy(
                        new org.apache.http.impl.client.DefaultServiceUnavailableRetryStrategy(5, 10))
                .build()) {
            int status = client.execute(
                    new org.apache.http.client.methods.HttpGet(upstream.url("/x")),
                    response -> response.getStatusLine().getStatusCode());

            assertThat(status).isEqualTo(503);
        }
        assertThat(upstream.awaitHits(7, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(6);
        assertThat(Collector.clientSpans(upstream.port(), 6)).hasSize(6);
    }

    @Test
    void apache4RetryHandlerOnANonRepeatableEntityGivesTheClientsOwnException() throws Exception {
        upstream.otherwise(Fault.resetBeforeHead());
        try (var client = org.apache.http.impl.client.HttpClients.custom()
                .setRetryHandler(new DefaultHttpRequestRetryHandler(3, true))
                .build()) {
            var post = new org.apache.http.client.methods.HttpPost(upstream.url("/upload"));
            post.setEntity(new org.apache.http.entity.InputStreamEntity(
                    new java.io.ByteArrayInputStream("streamed".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 8));

            Throwable thrown = catchThrowable(() -> client.execute(post, response -> 0));

            assertThat(thrown)
                    .isInstanceOf(org.apache.http.client.ClientProtocolException.class)
                    .hasCauseInstanceOf(org.apache.http.client.NonRepeatableRequestException.class);
            assertThat(thrown.getCause()).hasCauseInstanceOf(IOException.class);
        }
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void apache4RetryHandlerOfTheApplicationKeepsItsAttemptsForAGet() throws Exception {
        upstream.enqueue(
                        Fault.resetBeforeHead(),
                        Fault.resetBeforeHead(),
                        Fault.resetBeforeHead(),
                        Fault.resetBeforeHead())
                .otherwise(Fault.ok("ok"));
        try (var client = org.apache.http.impl.client.HttpClients.custom()
                .setRetryHandler(new DefaultHttpRequestRetryHandler(5, true))
                .build()) {
            int status = client.execute(
                    new org.apache.http.client.methods.HttpGet(upstream.url("/x")),
                    response -> response.getStatusLine().getStatusCode());

            assertThat(status).isEqualTo(200);
        }
        assertThat(upstream.hits()).isEqualTo(5);
        assertThat(Collector.clientSpans(upstream.port(), 5)).hasSize(5);
    }

    @Test
    void okHttpRetryOnConnectionFailureSetByTheApplicationReSendsNothingWithinAnAttempt() throws Exception {
        upstream.otherwise(Fault.resetBeforeHead());
        OkHttpClient client =
                new OkHttpClient.Builder().retryOnConnectionFailure(true).build();

        Throwable thrown = catchThrowable(() -> client.newCall(new Request.Builder()
                        .url(upstream.url("/orders"))
                        .post(RequestBody.create("x", MediaType.get("text/plain")))
                        .build())
                .execute()
                .close());

        // left on for its fallback to a name's next address (ClientConformanceSuite); its re-sends are stopped
        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(thrown.getClass().getName()).doesNotContain("upstreamguard");
        assertThat(client.retryOnConnectionFailure()).isTrue();
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void okHttpsOwnResendOnA408DoesNotMultiplyOurs() throws Exception {
        upstream.otherwise(Fault.status(408, "too slow"));
        OkHttpClient client = new OkHttpClient();

        try (var response = client.newCall(
                        new Request.Builder().url(upstream.url("/slowpoke")).build())
                .execute()) {
            assertThat(response.code()).isEqualTo(408);
            assertThat(response.header("Retry-After")).isNull();
            assertThat(response.body().string()).isEqualTo("too slow");
            assertThat(response.headers().names())
                    .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("x-upstream-guard"));
        }
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void okHttpsOwnResendOnRetryAfterZeroDoesNotMultiplyOurs() throws Exception {
        upstream.otherwise(Fault.retryAfter(503, "0"));
        OkHttpClient client = new OkHttpClient();

        try (var response = client.newCall(
                        new Request.Builder().url(upstream.url("/busy")).build())
                .execute()) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("0");
            assertThat(response.headers().names())
                    .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("x-upstream-guard"));
        }
        // three attempts of ours, and no second request inside any of them
        assertThat(upstream.awaitHits(4, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(3);
    }

    @Test
    void okHttpBuildersAreReusedWithoutStackingInterceptors() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        builder.build();
        OkHttpClient client = builder.build().newBuilder().build();

        try (var response = client.newCall(
                        new Request.Builder().url(upstream.url("/x")).build())
                .execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(client.interceptors()).hasSize(1);
        assertThat(upstream.hits()).isEqualTo(2);
        assertThat(Collector.clientSpans(upstream.port(), 2)).hasSize(2);
    }
}
