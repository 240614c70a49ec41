package dev.upstreamguard.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Concurrent callers that hammer the application for a fixed time and record what each call got. Every
 * loop is bounded by the phase's end and each call by a client timeout.
 */
final class Load {

    /** One call as the caller saw it: the status (0: no answer in time) and how long it took. */
    record Call(int status, long micros, String contentType) {}

    private Load() {}

    /**
     * Runs {@code callers} threads for {@code duration}; caller {@code i}'s n-th request goes to
     * {@code request.apply(i)} (a fresh request each time).
     */
    static List<Call> run(HttpClient client, int callers, Duration duration, IntFunction<HttpRequest> request)
            throws InterruptedException {
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch done = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            int caller = i;
            pool.execute(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        int status;
                        String type = "";
                        try {
                            HttpResponse<Void> r =
                                    client.send(request.apply(caller), HttpResponse.BodyHandlers.discarding());
                            status = r.statusCode();
                            type = r.headers().firstValue("Content-Type").orElse("");
                        } catch (java.io.IOException e) {
                            status = 0;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        calls.add(new Call(status, (System.nanoTime() - start) / 1_000, type));
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        boolean finished = done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
        pool.shutdownNow();
        if (!finished) {
            throw new AssertionError("callers still busy 60 s after the phase ended: some call hangs");
        }
        return new ArrayList<>(calls);
    }

    static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .build();
    }

    static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }
}
