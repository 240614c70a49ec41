package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Ports;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the application's body handlers and body publishers see of a retried {@code HttpClient} call, and
 * the shape of a failed {@code sendAsync} future.
 */
class JdkHttpClientBodyIT {

    /** A 503 page longer than the final body, so that a second write into the same file shows its tail. */
    private static final String LONG_PAGE = "unavailable ".repeat(40);

    private FaultyUpstream upstream;
    private final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path dir;

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

    // ---- item 2: the application's handler sees only the response it is given ----

    @Test
    void ofFileHoldsOnlyTheFinalBodyAfterARetry() throws Exception {
        upstream.enqueue(Fault.status(503, LONG_PAGE), Fault.status(503, LONG_PAGE))
                .otherwise(Fault.ok("final"));
        Path sync = dir.resolve("sync.txt");
        Path async = dir.resolve("async.txt");

        HttpResponse<Path> s = client.send(get("/f"), HttpResponse.BodyHandlers.ofFile(sync));
        upstream.enqueue(Fault.status(503, LONG_PAGE));
        HttpResponse<Path> a = client.sendAsync(get("/f"), HttpResponse.BodyHandlers.ofFile(async))
                .get(20, TimeUnit.SECONDS);

        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(Files.readString(sync)).isEqualTo("final");
        assertThat(Files.readString(async)).isEqualTo("final");
        assertThat(upstream.hits()).isEqualTo(5);
    }

    @Test
    void fromSubscriberIsSubscribedOnceWithTheFinalBody() throws Exception {
        upstream.enqueue(Fault.status(503, LONG_PAGE)).otherwise(Fault.ok("final"));
        RecordingSubscriber sync = new RecordingSubscriber();
        RecordingSubscriber async = new RecordingSubscriber();

        client.send(get("/s"), HttpResponse.BodyHandlers.fromSubscriber(sync));
        upstream.enqueue(Fault.status(502, LONG_PAGE));
        client.sendAsync(get("/s"), HttpResponse.BodyHandlers.fromSubscriber(async))
                .get(20, TimeUnit.SECONDS);

        for (RecordingSubscriber s : List.of(sync, async)) {
            assertThat(s.awaitEnd()).isTrue();
            assertThat(s.events()).containsExactly("subscribe", "bytes:final", "complete");
        }
        assertThat(upstream.hits()).isEqualTo(4);
    }

    @Test
    void ofByteArrayConsumerGetsOnlyTheFinalBody() throws Exception {
        upstream.enqueue(Fault.status(503, LONG_PAGE)).otherwise(Fault.ok("final"));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        java.util.function.Consumer<Optional<byte[]>> consumer = b -> seen.add(
                b.map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse("<end>"));

        client.send(get("/c"), HttpResponse.BodyHandlers.ofByteArrayConsumer(consumer));
        upstream.enqueue(Fault.status(504, LONG_PAGE));
        client.sendAsync(get("/c"), HttpResponse.BodyHandlers.ofByteArrayConsumer(consumer))
                .get(20, TimeUnit.SECONDS);

        assertThat(String.join("", seen)).isEqualTo("final<end>final<end>");
        assertThat(upstream.hits()).isEqualTo(4);
    }

    @Test
    void aBodyThatFailsAfterTheApplicationsHandlerTookItIsNotRetried() throws Exception {
        // a 200 head whose body is cut short: the handler has seen bytes, so this response is the final one
        upstream.enqueue(Fault.rawThenClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"))
                .otherwise(Fault.ok("second"));
        RecordingSubscriber subscriber = new RecordingSubscriber();

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> client.send(get("/p"), HttpResponse.BodyHandlers.fromSubscriber(subscriber)));

        assertThat(thrown).isInstanceOf(java.io.IOException.class);
        assertThat(subscriber.awaitEnd()).isTrue();
        assertThat(subscriber.events()).first().isEqualTo("subscribe");
        assertThat(subscriber.events()).filteredOn("subscribe"::equals).hasSize(1);
        assertThat(subscriber.events()).last().isEqualTo("error");
        assertThat(upstream.hits()).isEqualTo(1);
    }

    // ---- item 4: only a re-iterable body is replayed ----

    @Test
    void ofByteArraysOverAListIsReplayed() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("stored"));
        List<byte[]> parts = List.of("ab".getBytes(StandardCharsets.UTF_8), "cd".getBytes(StandardCharsets.UTF_8));
        HttpRequest put = HttpRequest.newBuilder(URI.create(upstream.url("/l")))
                .PUT(HttpRequest.BodyPublishers.ofByteArrays(parts))
                .build();

        HttpResponse<String> response = client.send(put, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.requests()).extracting(r -> r.bodyText()).containsExactly("abcd", "abcd");
    }

    @Test
    void ofByteArraysOverAOneShotIterableIsNeverResentEmpty() throws Exception {
        upstream.enqueue(Fault.status(503)).otherwise(Fault.ok("stored"));
        List<byte[]> parts = List.of("ab".getBytes(StandardCharsets.UTF_8), "cd".getBytes(StandardCharsets.UTF_8));
        AtomicBoolean fresh = new AtomicBoolean(true);
        Iterable<byte[]> oneShot = () -> fresh.getAndSet(false) ? parts.iterator() : Collections.emptyIterator();
        HttpRequest put = HttpRequest.newBuilder(URI.create(upstream.url("/o")))
                .PUT(HttpRequest.BodyPublishers.ofByteArrays(oneShot))
                .build();

        HttpResponse<String> response = client.send(put, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(upstream.requests()).extracting(r -> r.bodyText()).containsExactly("abcd");
        assertThat(Collector.clientSpans(upstream.port(), 1))
                .extracting(s -> s.attr("upstreamguard.outcome"))
                .containsExactly("not-replayable");
    }

    // ---- item 8: a failed sendAsync hands callbacks what the JDK hands them ----

    @Test
    void aFailedSendAsyncLooksAsItDoesWithoutTheAgent() throws Exception {
        int refused = Ports.refusedPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + refused + "/r"))
                .build();

        Seen guarded = Seen.of(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        Seen plain;
        Bridge.beginPassThrough(); // the same call, not guarded: the JDK's own future
        try {
            plain = Seen.of(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        } finally {
            Bridge.endPassThrough();
        }

        assertThat(guarded.await()).isTrue();
        assertThat(plain.await()).isTrue();
        assertThat(plain.whenComplete).startsWith("java.util.concurrent.CompletionException(java.net.ConnectException");
        assertThat(guarded.whenComplete).isEqualTo(plain.whenComplete);
        assertThat(guarded.handle).isEqualTo(plain.handle);
        assertThat(guarded.exceptionally).isEqualTo(plain.exceptionally);
        assertThat(guarded.join).isEqualTo(plain.join);
        assertThat(guarded.get).isEqualTo(plain.get);
        assertThat(guarded.threads).noneMatch(name -> name.startsWith("upstream-guard"));
    }

    @Test
    void callbacksOfATimedOutSendAsyncNeverRunOnTheAgentsThreads() throws Exception {
        // the deadline fires on an agent thread; the application's callbacks must not follow it there
        upstream.otherwise(Fault.hangHead());

        Seen seen = Seen.of(client.sendAsync(get("/h"), HttpResponse.BodyHandlers.ofString()));

        assertThat(seen.await()).isTrue();
        assertThat(seen.whenComplete)
                .startsWith("java.util.concurrent.CompletionException(java.net.http.HttpTimeoutException");
        assertThat(seen.get).startsWith("java.util.concurrent.ExecutionException(java.net.http.HttpTimeoutException");
        assertThat(seen.threads).hasSize(3).noneMatch(name -> name.startsWith("upstream-guard"));
    }

    /** What the callbacks of one future saw: each throwable as {@code Class(CauseClass...)}, and their threads. */
    private static final class Seen {
        final CountDownLatch done = new CountDownLatch(3);
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        volatile String whenComplete;
        volatile String handle;
        volatile String exceptionally;
        String join;
        String get;
        CompletableFuture<?> future;

        static Seen of(CompletableFuture<HttpResponse<String>> future) {
            Seen seen = new Seen();
            seen.future = future;
            future.whenComplete((r, t) -> {
                seen.whenComplete = describe(t);
                seen.threads.add(Thread.currentThread().getName());
                seen.done.countDown();
            });
            future.handle((r, t) -> {
                seen.handle = describe(t);
                seen.threads.add(Thread.currentThread().getName());
                seen.done.countDown();
                return null;
            });
            future.exceptionally(t -> {
                seen.exceptionally = describe(t);
                seen.threads.add(Thread.currentThread().getName());
                seen.done.countDown();
                return null;
            });
            return seen;
        }

        boolean await() throws InterruptedException {
            boolean ended = done.await(20, TimeUnit.SECONDS);
            if (!future.isDone()) {
                future.cancel(true); // never wait on it below
                return false;
            }
            join = describe(org.assertj.core.api.Assertions.catchThrowable(future::join));
            get = describe(org.assertj.core.api.Assertions.catchThrowable(() -> future.get(1, TimeUnit.SECONDS)));
            return ended;
        }

        private static String describe(Throwable t) {
            if (t == null) {
                return "none";
            }
            return t.getClass().getName() + (t.getCause() == null ? "" : "(" + describe(t.getCause()) + ")");
        }
    }

    /** Records what a subscriber was handed, in order. */
    private static final class RecordingSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        private final List<String> events = Collections.synchronizedList(new ArrayList<>());
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CountDownLatch end = new CountDownLatch(1);

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            events.add("subscribe");
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            synchronized (bytes) {
                for (ByteBuffer b : item) {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    bytes.write(copy, 0, copy.length);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            flushBytes();
            events.add("error");
            end.countDown();
        }

        @Override
        public void onComplete() {
            flushBytes();
            events.add("complete");
            end.countDown();
        }

        private void flushBytes() {
            synchronized (bytes) {
                if (bytes.size() > 0) {
                    events.add("bytes:" + bytes.toString(StandardCharsets.UTF_8));
                    bytes.reset();
                }
            }
        }

        boolean awaitEnd() throws InterruptedException {
            return end.await(10, TimeUnit.SECONDS);
        }

        List<String> events() {
            synchronized (events) {
                return new ArrayList<>(events);
            }
        }
    }
}
