package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.io.IOException;
import java.time.Duration;
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
 * The libraries' own retries, asked for explicitly by the application, do not multiply the agent's: an
 * upstream sees at most max-attempts (3) requests per call, and a POST that may have reached it once.
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
    void apache5RetryStrategyOfFiveRetriesGivesWayToOurThreeAttempts() throws Exception {
        upstream.otherwise(Fault.status(503));
        try (var client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(5, TimeValue.ofMilliseconds(10)))
                .build()) {
            int status = client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(upstream.url("/x")),
                    response -> response.getCode());

            assertThat(status).isEqualTo(503);
        }
        assertThat(upstream.awaitHits(4, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(3);
        assertThat(Collector.clientSpans(upstream.port(), 3)).hasSize(3);
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
        assertThat(upstream.hits()).as("a POST that may have arrived is sent once").isEqualTo(1);
    }

    @Test
    void apache4ServiceUnavailableRetryStrategyGivesWayToOurs() throws Exception {
        upstream.otherwise(Fault.status(503));
        try (var client = org.apache.http.impl.client.HttpClients.custom()
                .setServiceUnavailableRetryStrategy(
                        new org.apache.http.impl.client.DefaultServiceUnavailableRetryStrategy(5, 10))
                .build()) {
            int status = client.execute(new org.apache.http.client.methods.HttpGet(upstream.url("/x")),
                    response -> response.getStatusLine().getStatusCode());

            assertThat(status).isEqualTo(503);
        }
        assertThat(upstream.awaitHits(4, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(3);
    }

    @Test
    void okHttpRetryOnConnectionFailureSetByTheApplicationIsTurnedOff() throws Exception {
        upstream.otherwise(Fault.resetBeforeHead());
        OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(true).build();

        Throwable thrown = catchThrowable(() -> client.newCall(new Request.Builder().url(upstream.url("/orders"))
                .post(RequestBody.create("x", MediaType.get("text/plain"))).build()).execute().close());

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(client.retryOnConnectionFailure()).isFalse();
        assertThat(upstream.awaitHits(2, Duration.ofMillis(300))).isFalse();
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void okHttpsOwnResendOnRetryAfterZeroDoesNotMultiplyOurs() throws Exception {
        upstream.otherwise(Fault.retryAfter(503, "0"));
        OkHttpClient client = new OkHttpClient();

        try (var response = client.newCall(new Request.Builder().url(upstream.url("/busy")).build()).execute()) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("0");
            assertThat(response.headers().names()).noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("x-upstream-guard"));
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

        try (var response = client.newCall(new Request.Builder().url(upstream.url("/x")).build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(client.interceptors()).hasSize(1);
        assertThat(upstream.hits()).isEqualTo(2);
        assertThat(Collector.clientSpans(upstream.port(), 2)).hasSize(2);
    }
}
