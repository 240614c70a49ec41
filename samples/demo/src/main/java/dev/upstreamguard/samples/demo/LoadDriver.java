package dev.upstreamguard.samples.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Sends the same paced traffic to several storefronts at once: {@code count} {@code GET
 * /product/{id}} requests to each, one every {@code 1/rate} seconds, each given up after the
 * caller timeout, which each request also carries as its deadline ({@code X-Request-Timeout-Ms}). Bounded: it
 * returns once every request has an answer or was given up.
 */
final class LoadDriver implements AutoCloseable {

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "demo-load");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(executor)
            .build();
    private final Duration callerTimeout;

    LoadDriver(Duration callerTimeout) {
        this.callerTimeout = callerTimeout;
    }

    /**
     * Sends {@code count} requests to each base URL, {@code ratePerSecond} a second, and returns the
     * results per base URL in sending order. {@code progress} gets the number sent so far.
     */
    List<List<CallerResult>> run(List<String> baseUrls, int count, int ratePerSecond, IntConsumer progress)
            throws InterruptedException {
        List<List<CompletableFuture<CallerResult>>> pending = new ArrayList<>();
        for (int i = 0; i < baseUrls.size(); i++) {
            pending.add(new ArrayList<>());
        }
        long start = System.nanoTime();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        for (int n = 0; n < count; n++) {
            long due = start + n * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String path = "/product/p-" + (100 + n % 50);
            for (int i = 0; i < baseUrls.size(); i++) {
                pending.get(i).add(send(URI.create(baseUrls.get(i) + path)));
            }
            progress.accept(n + 1);
        }
        List<List<CallerResult>> results = new ArrayList<>();
        for (List<CompletableFuture<CallerResult>> futures : pending) {
            List<CallerResult> side = new ArrayList<>();
            for (CompletableFuture<CallerResult> future : futures) {
                side.add(future.join()); // bounded: every request has the caller timeout
            }
            results.add(side);
        }
        return results;
    }

    private CompletableFuture<CallerResult> send(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(callerTimeout)
                // the caller's own deadline, so that a guarded storefront answers before the caller gives up
                .header("X-Request-Timeout-Ms", Long.toString(callerTimeout.toMillis()))
                .header("Accept", "application/json")
                .GET()
                .build();
        long sent = System.nanoTime();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                String kind = cause instanceof HttpTimeoutException ? "timeout" : "error";
                return new CallerResult(0, kind, millis, "", "");
            }
            return new CallerResult(
                    response.statusCode(),
                    "",
                    millis,
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
