package dev.upstreamguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultyUpstreamTest {

    private FaultyUpstream upstream;
    private HttpClient client;

    @BeforeEach
    void setUp() {
        upstream = FaultyUpstream.start();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(upstream.url(path))).timeout(Duration.ofSeconds(5));
    }

    @Test
    void addressesAreLoopback() {
        assertThat(upstream.port()).isPositive();
        assertThat(upstream.hostPort()).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(upstream.url("/a?b=c")).isEqualTo("http://127.0.0.1:" + upstream.port() + "/a?b=c");
    }

    @Test
    void answersEnqueuedFaultsInOrderThenTheFallback() throws Exception {
        upstream.enqueue(Fault.status(503), Fault.status(502, "bad gateway")).otherwise(Fault.ok("fine"));

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/items/" + i);
            answers.add(response.statusCode() + " " + response.body());
        }

        assertThat(answers).containsExactly("503 Service Unavailable", "502 bad gateway", "200 fine", "200 fine");
        assertThat(upstream.hits()).isEqualTo(4);
        assertThat(upstream.requests())
                .extracting(RecordedRequest::path)
                .containsExactly("/items/0", "/items/1", "/items/2", "/items/3");
    }

    @Test
    void defaultAnswerIsOkWithContentTypeAndLength() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("Content-Length")).hasValue("2");
    }

    @Test
    void keepsOneConnectionAliveAcrossRequests() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get("/" + i);
            assertThat(response.headers().firstValue("Connection")).hasValue("keep-alive");
        }
        HttpResponse<Void> head = client.send(
                request("/head")
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(get("/after-head").body()).isEqualTo("ok");

        assertThat(upstream.requests())
                .extracting(RecordedRequest::connectionId)
                .containsOnly(1);
        assertThat(upstream.requests())
                .extracting(RecordedRequest::method)
                .containsExactly("GET", "GET", "GET", "HEAD", "GET");
    }

    @Test
    void honoursConnectionClose() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send(RawHttpClient.get("/one"));
            assertThat(raw.read().headers()).containsEntry("Connection", "keep-alive");

            raw.send(RawHttpClient.get("/two", "Connection: close"));
            RawHttpClient.Response second = raw.read();
            assertThat(second.body()).isEqualTo("ok");
            assertThat(second.headers()).containsEntry("Connection", "close");
            assertThat(raw.readByte()).isEqualTo(-1);
        }
        assertThat(upstream.requests())
                .extracting(RecordedRequest::connectionId)
                .containsOnly(1);
    }

    @Test
    void aConnectionCloseHeaderOnTheFaultEndsTheConnection() throws Exception {
        upstream.enqueue(Fault.status(503).withHeader("Connection", "close"));
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send(RawHttpClient.get("/"));
            RawHttpClient.Response response = raw.read();
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.headers()).containsEntry("Connection", "close");
            assertThat(raw.readByte()).isEqualTo(-1);
        }
    }

    @Test
    void recordsAChunkedRequestBody() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
            raw.send(RawHttpClient.get("/next"));
            assertThat(raw.read().status()).isEqualTo(200);
        }
        RecordedRequest post = upstream.requests().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.bodyText()).isEqualTo("hello world");
        assertThat(upstream.requests().get(1).path()).isEqualTo("/next");
    }

    @Test
    void recordsBodiesSentByTheJdkClientWithLengthStreamAndExpectContinue() throws Exception {
        client.send(
                request("/a").POST(HttpRequest.BodyPublishers.ofString("fixed")).build(),
                HttpResponse.BodyHandlers.ofString());
        client.send(
                request("/b")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        client.send(
                request("/c")
                        .expectContinue(true)
                        .PUT(HttpRequest.BodyPublishers.ofString("continued"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(upstream.requests())
                .extracting(RecordedRequest::bodyText)
                .containsExactly("fixed", "streamed", "continued");
        assertThat(upstream.requests().get(1).header("transfer-encoding")).isEqualTo("chunked");
    }

    @Test
    void recordsRequestHeadersCaseInsensitively() throws Exception {
        client.send(
                request("/h")
                        .header("X-Custom-Thing", "one")
                        .header("x-custom-thing", "two")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        RecordedRequest recorded = upstream.requests().get(0);
        assertThat(recorded.header("X-CUSTOM-THING")).isEqualTo("one");
        assertThat(recorded.headers().get("x-Custom-thing")).containsExactly("one", "two");
        assertThat(recorded.header("host")).isEqualTo(upstream.hostPort());
        assertThat(recorded.header("absent")).isNull();
    }

    @Test
    void resetBeforeHeadGivesTheClientAnIoException() throws Exception {
        upstream.enqueue(Fault.resetBeforeHead());

        assertThatThrownBy(() -> post("/reset")).isInstanceOf(IOException.class);
        assertThat(upstream.hits()).isEqualTo(1);
        assertThat(get("/after").statusCode()).isEqualTo(200);
    }

    /**
     * Worth knowing for the agent: the JDK client itself re-sends an idempotent request once when
     * the connection ends before any response byte.
     */
    @Test
    void jdkClientSilentlyResendsAGetOnceAfterAResetOrClose() throws Exception {
        upstream.enqueue(Fault.closeBeforeHead());
        assertThat(get("/retried").statusCode()).isEqualTo(200);
        assertThat(upstream.hits()).isEqualTo(2);

        upstream.reset();
        upstream.otherwise(Fault.resetBeforeHead());
        assertThatThrownBy(() -> get("/reset")).isInstanceOf(IOException.class);
        assertThat(upstream.hits()).isEqualTo(2);
    }

    private HttpResponse<String> post(String path) throws Exception {
        return client.send(
                request(path).POST(HttpRequest.BodyPublishers.ofString("data")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resetBeforeHeadSendsRstOnTheWire() throws Exception {
        upstream.enqueue(Fault.resetBeforeHead());
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send(RawHttpClient.get("/reset"));
            assertThatThrownBy(raw::readByte)
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void closeBeforeHeadEndsTheConnectionWithoutBytes() throws Exception {
        upstream.enqueue(Fault.closeBeforeHead(), Fault.closeBeforeHead());
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send(RawHttpClient.get("/close"));
            assertThat(raw.readByte()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> post("/close")).isInstanceOf(IOException.class);
        assertThat(upstream.hits()).isEqualTo(2);
    }

    @Test
    void slowHeadTripsTheClientRequestTimeout() throws Exception {
        upstream.enqueue(Fault.slowHead(Duration.ofSeconds(3)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.send(
                        request("/slow").timeout(Duration.ofMillis(200)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void slowHeadAnswersAfterTheDelay() throws Exception {
        upstream.enqueue(Fault.slowHead(Duration.ofMillis(300)));
        long start = System.nanoTime();

        HttpResponse<String> response = get("/slow");

        assertThat(response.body()).isEqualTo("slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void closeEndsHangsAndDelaysAtOnce() throws Exception {
        upstream.enqueue(Fault.hangHead(), Fault.slowHead(Duration.ofSeconds(30)));
        try (RawHttpClient hanging = new RawHttpClient(upstream.port());
                RawHttpClient slow = new RawHttpClient(upstream.port())) {
            hanging.send(RawHttpClient.get("/hang"));
            assertThat(upstream.awaitHits(1, Duration.ofSeconds(5))).isTrue();
            slow.send(RawHttpClient.get("/slow"));
            assertThat(upstream.awaitHits(2, Duration.ofSeconds(5))).isTrue();
            CompletableFuture<Integer> hangRead = readAsync(hanging);
            CompletableFuture<Integer> slowRead = readAsync(slow);
            Thread.sleep(100);
            assertThat(hangRead).isNotDone();
            long start = System.nanoTime();

            upstream.close();

            assertThat(hangRead.get(2, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(slowRead.get(2, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
        upstream.close(); // idempotent
    }

    @Test
    void hangHeadEndsTheJdkClientCallWhenClosed() throws Exception {
        upstream.enqueue(Fault.hangHead());
        CompletableFuture<HttpResponse<String>> call =
                client.sendAsync(request("/hang").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.awaitHits(1, Duration.ofSeconds(5))).isTrue();

        upstream.close();

        assertThatThrownBy(() -> call.get(2, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }

    private static CompletableFuture<Integer> readAsync(RawHttpClient raw) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return raw.readByte();
            } catch (IOException e) {
                return -2;
            }
        });
    }

    @Test
    void retryAfterAndExtraHeadersAreSent() throws Exception {
        upstream.enqueue(
                Fault.retryAfter(503, "2"),
                Fault.status(429)
                        .withHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
                        .withHeader("Content-Type", "application/json"));

        HttpResponse<String> first = get("/");
        HttpResponse<String> second = get("/");

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("retry-after")).hasValue("2");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(second.headers().allValues("Content-Type")).containsExactly("application/json");
    }

    @Test
    void stallBodySendsThePromiseAndTheFirstChunkThenStalls() throws Exception {
        upstream.enqueue(Fault.stallBody(200, 100, "partial"));
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send(RawHttpClient.get("/stall"));
            RawHttpClient.Response head = raw.read(true);
            assertThat(head.headers()).containsEntry("Content-Length", "100");
            byte[] chunk = new byte[7];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) raw.readByte();
            }
            assertThat(new String(chunk, StandardCharsets.UTF_8)).isEqualTo("partial");

            raw.socket.setSoTimeout(200);
            assertThatThrownBy(raw::readByte).isInstanceOf(SocketTimeoutException.class);

            raw.socket.setSoTimeout(2000);
            upstream.close();
            assertThat(raw.readByte()).isEqualTo(-1);
        }
    }

    @Test
    void stallBodyTripsTheJdkClientTimeoutWhileReadingTheBody() throws Exception {
        upstream.enqueue(Fault.stallBody(200, 50, "x"));
        HttpResponse<java.io.InputStream> response =
                client.send(request("/stall").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture<byte[]> body = CompletableFuture.supplyAsync(() -> {
            try (java.io.InputStream in = response.body()) {
                return in.readAllBytes();
            } catch (IOException e) {
                return null;
            }
        });
        Thread.sleep(200);
        assertThat(body).isNotDone();
        upstream.close();
        assertThat(body.get(2, TimeUnit.SECONDS)).isNull(); // EOF before Content-Length: an error
    }

    @Test
    void dribbleBodySendsTheWholeBodySlowly() throws Exception {
        upstream.enqueue(Fault.dribbleBody(200, "abcdef", Duration.ofMillis(40)));
        long start = System.nanoTime();

        HttpResponse<String> response = get("/dribble");

        assertThat(response.body()).isEqualTo("abcdef");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(get("/after").body()).isEqualTo("ok");
        assertThat(upstream.requests())
                .extracting(RecordedRequest::connectionId)
                .containsOnly(1);
    }

    @Test
    void delayedAppliesToAnyFault() throws Exception {
        upstream.enqueue(Fault.resetBeforeHead().delayed(Duration.ofMillis(200)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> post("/")).isInstanceOf(IOException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void resetClearsQueueRecordsAndFallback() throws Exception {
        upstream.enqueue(Fault.status(500), Fault.status(500)).otherwise(Fault.status(404));
        get("/");

        upstream.reset();

        assertThat(upstream.hits()).isZero();
        assertThat(upstream.requests()).isEmpty();
        assertThat(get("/").statusCode()).isEqualTo(200);
        assertThat(upstream.hits()).isEqualTo(1);
    }

    @Test
    void awaitHitsTimesOut() {
        long start = System.nanoTime();
        assertThat(upstream.awaitHits(1, Duration.ofMillis(100))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void concurrentRequestsEachGetOneQueuedFault() throws Exception {
        for (int i = 0; i < 10; i++) {
            upstream.enqueue(Fault.status(500 + i));
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(client.sendAsync(request("/" + i).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            statuses.add(call.get(5, TimeUnit.SECONDS).statusCode());
        }
        assertThat(statuses).containsExactlyInAnyOrder(500, 501, 502, 503, 504, 505, 506, 507, 508, 509);
        assertThat(upstream.hits()).isEqualTo(10);
    }

    @Test
    void answersGarbageWith400() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(upstream.port())) {
            raw.send("NOT HTTP\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(400);
        }
    }

    @Test
    void runsOnDaemonThreadsOnly() throws Exception {
        get("/");
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.getName().startsWith("faulty-upstream-" + upstream.port()))
                .isNotEmpty()
                .allMatch(Thread::isDaemon);
    }

    @Test
    void rejectsAStallThatCannotStall() {
        assertThatThrownBy(() -> Fault.stallBody(200, 3, "abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declaredLength 3");
    }
}
