package dev.upstreamguard.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code java.net.http.HttpClient}, through {@code send} or {@code sendAsync}. */
final class JdkHttpClientDriver implements ClientDriver {

    private final HttpClient client;
    private final java.time.Duration requestTimeout;
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
        return new JdkHttpClientDriver(HttpClient.newBuilder().connectTimeout(connect).build(), read, async);
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (requestTimeout != null) {
            builder.timeout(requestTimeout);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        if (async) {
            try {
                response = client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        } else {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return new Reply(response.statusCode(), response.body(), response.headers().map());
    }

    @Override
    public boolean triesEveryAddressOfAName() {
        return false;
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
