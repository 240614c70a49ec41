package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every {@code execute} overload of a classic Apache 5 client is guarded: 503, 503, 200 gives 200. */
class Apache5SpecificsIT {

    private FaultyUpstream upstream;
    private final CloseableHttpClient client = HttpClients.createSystem();

    @BeforeEach
    void start() {
        Collector.receiver().clear();
        upstream = FaultyUpstream.start();
        upstream.enqueue(Fault.status(503), Fault.status(503)).otherwise(Fault.ok("fine"));
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        client.close();
    }

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).isZero();
    }

    @SuppressWarnings("deprecation")
    @ParameterizedTest
    @ValueSource(
            strings = {
                "request",
                "request+context",
                "target+request",
                "target+request+context",
                "request+handler",
                "request+context+handler",
                "target+request+handler",
                "target+request+context+handler",
                "executeOpen"
            })
    void overload(String overload) throws Exception {
        HttpGet get = new HttpGet(upstream.url("/x"));
        HttpHost target = new HttpHost("http", "127.0.0.1", upstream.port());
        HttpGet relative = new HttpGet("/x");
        HttpClientContext context = HttpClientContext.create();
        int status;
        switch (overload) {
            case "request" -> status = closeAndCode(client.execute(get));
            case "request+context" -> status = closeAndCode(client.execute(get, context));
            case "target+request" -> status = closeAndCode(client.execute(target, relative));
            case "target+request+context" -> status = closeAndCode(client.execute(target, relative, context));
            case "request+handler" -> status = client.execute(get, r -> r.getCode());
            case "request+context+handler" -> status = client.execute(get, context, r -> r.getCode());
            case "target+request+handler" -> status = client.execute(target, relative, r -> r.getCode());
            case "executeOpen" -> status = closeAndCode(client.executeOpen(target, relative, context));
            default -> status = client.execute(target, relative, context, r -> r.getCode());
        }

        assertThat(status).isEqualTo(200);
        assertThat(upstream.hits()).isEqualTo(3);
        assertThat(Collector.clientSpans(upstream.port(), 3))
                .extracting(s -> s.attr("url.full"))
                .containsOnly(upstream.url("/x"));
    }

    private static int closeAndCode(ClassicHttpResponse response) throws Exception {
        try (response) {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        }
    }
}
