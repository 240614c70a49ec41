package dev.upstreamguard.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * Apache HttpClient 5 classic, {@code HttpClients.createDefault()} and {@code execute} with a response
 * handler; with timeouts, those of the connection manager's {@code ConnectionConfig} (5.2's advice).
 */
final class Apache5Driver implements ClientDriver {

    private final CloseableHttpClient client;

    Apache5Driver() {
        this(HttpClients.createDefault());
    }

    private Apache5Driver(CloseableHttpClient client) {
        this.client = client;
    }

    @Override
    public ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read) {
        return new Apache5Driver(HttpClients.custom()
                .setConnectionManager(
                        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                                .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                                        .setConnectTimeout(org.apache.hc.core5.util.Timeout.of(connect))
                                        .setSocketTimeout(org.apache.hc.core5.util.Timeout.of(read))
                                        .build())
                                .build())
                .build());
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        ClassicRequestBuilder request = ClassicRequestBuilder.create(method).setUri(url);
        if (body != null) {
            request.setEntity(new StringEntity(body, ContentType.TEXT_PLAIN));
        }
        return client.execute(request.build(), Apache5Driver::reply);
    }

    @Override
    public InFlight startCancellable(String url) {
        org.apache.hc.client5.http.classic.methods.HttpGet get =
                new org.apache.hc.client5.http.classic.methods.HttpGet(url);
        return Threads.inFlight(() -> client.execute(get, Apache5Driver::reply), thread -> get.cancel());
    }

    @Override
    public Throwable callWithFailingBody(String url, java.io.IOException failure) {
        // a FileEntity whose file is gone by the time the client writes it
        org.apache.hc.client5.http.classic.methods.HttpPost post =
                new org.apache.hc.client5.http.classic.methods.HttpPost(url);
        post.setEntity(new org.apache.hc.core5.http.io.entity.FileEntity(
                new java.io.File(failure.getMessage()), ContentType.APPLICATION_OCTET_STREAM));
        try {
            client.execute(post, Apache5Driver::reply);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    @SuppressWarnings("deprecation")
    public AutoCloseable holdConnections(String url, int count) throws java.io.IOException {
        List<org.apache.hc.client5.http.impl.classic.CloseableHttpResponse> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url)));
        }
        return () -> {
            for (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse r : held) {
                r.close();
            }
        };
    }

    static Reply reply(ClassicHttpResponse response)
            throws java.io.IOException, org.apache.hc.core5.http.ParseException {
        String text =
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        return new Reply(response.getCode(), text, headers);
    }

    @Override
    public Class<? extends Throwable> readTimeoutType() {
        return java.net.SocketTimeoutException.class;
    }

    @Override
    public Class<? extends java.net.ConnectException> connectRefusedType() {
        return org.apache.hc.client5.http.HttpHostConnectException.class;
    }

    @Override
    public Class<? extends Throwable> connectTimeoutType() {
        return org.apache.hc.client5.http.ConnectTimeoutException.class;
    }

    @Override
    public String library() {
        return "apache5";
    }

    @Override
    public Class<?> libraryClass() {
        return org.apache.hc.client5.http.impl.classic.HttpClients.class;
    }
}
