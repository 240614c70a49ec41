package dev.upstreamguard.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code java.net.http.HttpClient}, through {@code send} or {@code sendAsync}. */
final class JdkHttpClientDriver implements ClientDriver {

    private final HttpClient client;
    private final java.time.Duration requestTimeout;
    private final HttpClient redirecting =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    private final boolean async;

    JdkHttpClientDriver(boolean async) {
        this(HttpClient.newHttpClient(), null, async);
    }

    private JdkHttpClientDriver(HttpClient client, java.time.Duration requestTimeout, boolean async) {
        this.client = client;
        this.requestTimeout = requestTimeout;
        this.async = async;
    }

    /** The client's connect timeout and each request's own timeout. */
    @Override
    public ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read) {
        return new JdkHttpClientDriver(
                HttpClient.newBuilder().connectTimeout(connect).build(), read, async);
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        return call(
                client,
                method,
                url,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    @Override
    public Reply callFollowingRedirects(String method, String url, String body) throws Exception {
        return call(
                redirecting,
                method,
                url,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private Reply call(HttpClient with, String method, String url, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).method(method, body);
        if (requestTimeout != null) {
            builder.timeout(requestTimeout);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        if (async) {
            try {
                response = with.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        } else {
            response = with.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return new Reply(
                response.statusCode(), response.body(), response.headers().map());
    }

    @Override
    public boolean triesEveryAddressOfAName() {
        return false;
    }

    @Override
    public InFlight startCancellable(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        if (async) {
            CompletableFuture<HttpResponse<String>> future =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            return new InFlight() {
                @Override
                public void cancel() {
                    future.cancel(true);
                }

                @Override
                public Throwable awaitEnd() throws Exception {
                    try {
                        future.get(10, TimeUnit.SECONDS);
                        return null;
                    } catch (CancellationException e) {
                        return e;
                    } catch (ExecutionException e) {
                        return e.getCause();
                    }
                }
            };
        }
        // a blocked send is cancelled by interrupting its thread
        return Threads.inFlight(() -> client.send(request, HttpResponse.BodyHandlers.ofString()), Thread::interrupt);
    }

    @Override
    public String cancelledOutcome() {
        return async ? "cancelled" : "interrupted";
    }

    @Override
    public Throwable callWithFailingBody(String url, IOException failure) {
        // the application's stream fails as the client reads it
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        });
        try {
            call(client, "POST", url, body);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    public AutoCloseable holdConnections(String url, int count) throws Exception {
        List<InputStream> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(client.send(
                            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream())
                    .body());
        }
        return () -> {
            for (InputStream in : held) {
                in.close();
            }
        };
    }

    @Override
    public Class<? extends Throwable> readTimeoutType() {
        return HttpTimeoutException.class;
    }

    @Override
    public Class<? extends Throwable> unknownHostType() {
        return java.net.ConnectException.class; // caused by UnresolvedAddressException
    }

    @Override
    public Class<? extends Throwable> connectTimeoutType() {
        return HttpConnectTimeoutException.class;
    }
}
