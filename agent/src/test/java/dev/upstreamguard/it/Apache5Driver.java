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
                .setConnectionManager(org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
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

    static Reply reply(ClassicHttpResponse response) throws java.io.IOException, org.apache.hc.core5.http.ParseException {
        String text = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
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
