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

    private final HttpClient client = HttpClient.newHttpClient();
    private final boolean async;

    JdkHttpClientDriver(boolean async) {
        this.async = async;
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
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
