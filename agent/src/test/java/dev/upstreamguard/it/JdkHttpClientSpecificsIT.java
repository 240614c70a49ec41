package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only {@code java.net.http.HttpClient} has: async callbacks, cancellation, its builder, concurrency. */
class JdkHttpClientSpecificsIT {

    private FaultyUpstream upstream;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(upstream.url(path))).build();
    }

    @Test
    void asyncCallbacksRunOnceWithTheFinalResultOnly() throws Exception {
        upstream.enqueue(Fault.status(503), Fault.status(502)).otherwise(Fault.ok("final"));
        AtomicInteger callbacks = new AtomicInteger();
        List<Integer> statuses = new ArrayList<>();

        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(get("/a"), HttpResponse.BodyHandlers.ofString());
        future.whenComplete((r, t) -> {
            callbacks.incrementAndGet();
            synchronized (statuses) {
                statuses.add(r.statusCode());
            }
        });

        assertThat(future.get(10, TimeUnit.SECONDS).body()).isEqualTo("final");
        assertThat(upstream.hits()).isEqualTo(3);
        Thread.sleep(100); // a late second callback would show here
        assertThat(callbacks.get()).isEqualTo(1);
        assertThat(statuses).containsExactly(200);
    }

    @Test
    void cancellingDuringTheBackoffStopsFurtherAttempts() throws Exception {
        upstream.enqueue(Fault.retryAfter(503, "1")).otherwise(Fault.ok("too late"));

        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(get("/c"), HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.awaitHits(1, Duration.ofSeconds(5))).isTrue();
        Thread.sleep(100); // the first response is in; the engine now waits 1 s before retrying
        assertThat(future.cancel(true)).isTrue();

        assertThat(upstream.awaitHits(2, Duration.ofMillis(1_800))).isFalse();
        assertThat(future.isCancelled()).isTrue();
    }

    @Test
    void theClientsConnectTimeoutIsBoundedButAShorterOneIsKept() {
        assertThat(HttpClient.newHttpClient().connectTimeout()).contains(Duration.ofMillis(500));
        assertThat(HttpClient.newBuilder()
                        .connectTimeout(Duration.ofMinutes(5))
                        .build()
                        .connectTimeout())
                .contains(Duration.ofMillis(500));
        assertThat(HttpClient.newBuilder()
                        .connectTimeout(Duration.ofMillis(100))
                        .build()
                        .connectTimeout())
                .contains(Duration.ofMillis(100));
    }

    @Test
    void anApplicationTimeoutShorterThanOursIsKept() throws Exception {
        upstream.otherwise(Fault.slowHead(Duration.ofSeconds(2)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.url("/s")))
                .timeout(Duration.ofMillis(200))
                .build();
        long start = System.nanoTime();

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> client.send(request, HttpResponse.BodyHandlers.ofString()));

        assertThat(thrown).isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500L);
        assertThat(Collector.clientSpans(upstream.port(), 3))
                .extracting(s -> s.longAttr("upstreamguard.timeout.read_ms"))
                .containsOnly(200L);
    }

    @Test
    void theReadTimeoutBoundsTheHeadNotASlowBody() throws Exception {
        // the head at once, then 24 bytes 100 ms apart: 2.4 s of body against a 1 s read timeout,
        // which bounds the wait for the head, as the request's own timeout does in the JDK
        String body = "slow-but-steady-body-ok!";
        upstream.otherwise(Fault.dribbleBody(200, body, Duration.ofMillis(100)));

        HttpResponse<String> sync = client.send(get("/d"), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> async = client.sendAsync(get("/d"), HttpResponse.BodyHandlers.ofString())
                .get(20, TimeUnit.SECONDS);

        assertThat(sync.body()).isEqualTo(body);
        assertThat(async.body()).isEqualTo(body);
        assertThat(upstream.hits()).isEqualTo(2);
    }

    @Test
    void aTimedOutSendLeavesTheThreadAndTheClientReadyForTheNextCall() throws Exception {
        upstream.enqueue(Fault.hangHead(), Fault.hangHead(), Fault.hangHead()).otherwise(Fault.ok("next"));

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> client.send(get("/h"), HttpResponse.BodyHandlers.ofString()));

        assertThat(thrown)
                .isInstanceOf(java.net.http.HttpTimeoutException.class)
                .hasMessage("request timed out");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(client.send(get("/n"), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("next");
        assertThat(upstream.hits()).isEqualTo(4);
    }

    @Test
    void aTimedOutSendAsyncFailsWithTheJdksTimeoutException() {
        upstream.otherwise(Fault.hangHead());

        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(get("/h"), HttpResponse.BodyHandlers.ofString());

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> future.get(20, TimeUnit.SECONDS));
        assertThat(thrown)
                .isInstanceOf(java.util.concurrent.ExecutionException.class)
                .cause()
                .isInstanceOf(java.net.http.HttpTimeoutException.class)
                .hasMessage("request timed out");
        assertThat(upstream.hits()).isEqualTo(3);
    }

    @Test
    void cancellingAnAttemptInFlightStopsTheCall() throws Exception {
        upstream.otherwise(Fault.hangHead());

        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(get("/h"), HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.awaitHits(1, Duration.ofSeconds(5))).isTrue();
        assertThat(future.cancel(true)).isTrue();

        // the first attempt's 1 s read timeout would otherwise have started a second attempt
        assertThat(upstream.awaitHits(2, Duration.ofMillis(2_000))).isFalse();
        assertThat(future.isCancelled()).isTrue();
    }

    @Test
    void concurrentCallsEachGetTheirOwnRetries() throws Exception {
        // 50 concurrent calls through one client, each to its own upstream that fails once then answers
        List<FaultyUpstream> upstreams = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                FaultyUpstream one = FaultyUpstream.start();
                one.enqueue(Fault.status(503)).otherwise(Fault.ok("ok"));
                upstreams.add(one);
                HttpRequest request =
                        HttpRequest.newBuilder(URI.create(one.url("/p"))).build();
                results.add(pool.submit(() -> client.send(request, HttpResponse.BodyHandlers.ofString())
                        .statusCode()));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
            assertThat(upstreams).allSatisfy(u -> assertThat(u.hits()).isEqualTo(2));
        } finally {
            pool.shutdownNow();
            upstreams.forEach(FaultyUpstream::close);
        }
    }
}
