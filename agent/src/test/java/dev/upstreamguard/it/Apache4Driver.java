package dev.upstreamguard.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.http.Header;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5, {@code HttpClients.createDefault()} and {@code execute} with a response handler. */
final class Apache4Driver implements ClientDriver {

    private final CloseableHttpClient client;

    Apache4Driver() {
        this(HttpClients.createDefault());
    }

    private Apache4Driver(CloseableHttpClient client) {
        this.client = client;
    }

    @Override
    public ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read) {
        return new Apache4Driver(HttpClients.custom()
                .setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom()
                        .setConnectTimeout((int) connect.toMillis())
                        .setSocketTimeout((int) read.toMillis())
                        .build())
                .build());
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        RequestBuilder request = RequestBuilder.create(method).setUri(url);
        if (body != null) {
            request.setEntity(new StringEntity(body, ContentType.TEXT_PLAIN));
        }
        return client.execute(request.build(), Apache4Driver::reply);
    }

    @Override
    public InFlight startCancellable(String url) {
        org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
        return Threads.inFlight(() -> client.execute(get, Apache4Driver::reply), thread -> get.abort());
    }

    @Override
    public Throwable callWithFailingBody(String url, java.io.IOException failure) {
        // a FileEntity whose file is gone by the time the client writes it
        org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(url);
        post.setEntity(new org.apache.http.entity.FileEntity(
                new java.io.File(failure.getMessage()), ContentType.APPLICATION_OCTET_STREAM));
        try {
            client.execute(post, Apache4Driver::reply);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    public AutoCloseable holdConnections(String url, int count) throws java.io.IOException {
        List<org.apache.http.client.methods.CloseableHttpResponse> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(client.execute(new org.apache.http.client.methods.HttpGet(url)));
        }
        return () -> {
            for (org.apache.http.client.methods.CloseableHttpResponse r : held) {
                r.close();
            }
        };
    }

    @Override
    public int connectionsPerRoute() {
        return 2; // PoolingHttpClientConnectionManager's default in 4.x
    }

    static Reply reply(HttpResponse response) throws java.io.IOException {
        String text =
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getAllHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        return new Reply(response.getStatusLine().getStatusCode(), text, headers);
    }

    @Override
    public Class<? extends Throwable> readTimeoutType() {
        return java.net.SocketTimeoutException.class;
    }

    @Override
    public Class<? extends java.net.ConnectException> connectRefusedType() {
        return org.apache.http.conn.HttpHostConnectException.class;
    }

    @Override
    public Class<? extends Throwable> connectTimeoutType() {
        return org.apache.http.conn.ConnectTimeoutException.class;
    }

    @Override
    public String library() {
        return "apache4";
    }

    @Override
    public Class<?> libraryClass() {
        return org.apache.http.impl.client.HttpClients.class;
    }
}
