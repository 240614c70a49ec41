package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.JettyClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The frameworks check: Spring's {@code RestClient} over each client (Jetty's through {@code
 * JettyClientHttpRequestFactory}) gets retries and spans through the client's own guard, with no
 * Spring-specific code in the agent.
 */
class SpringRestClientIT {

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        Collector.receiver().clear();
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).isZero();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static ClientHttpRequestFactory factory(String client) {
        return switch (client) {
            case "jdk" -> new JdkClientHttpRequestFactory();
            case "urlconnection" -> new SimpleClientHttpRequestFactory();
            case "apache5" -> new HttpComponentsClientHttpRequestFactory();
            case "jetty" -> new JettyClientHttpRequestFactory();
            default -> new org.springframework.http.client.OkHttp3ClientHttpRequestFactory();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "jdk", "urlconnection", "apache5", "okhttp"})
    void transientStatusesAreRetriedAndTraced(String client) {
        upstream.enqueue(Fault.status(503), Fault.status(503)).otherwise(Fault.ok("fine"));
        RestClient rest = RestClient.builder().requestFactory(factory(client)).build();

        ResponseEntity<String> response =
                rest.get().uri(upstream.url("/items")).retrieve().toEntity(String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getBody()).isEqualTo("fine");
        assertThat(upstream.hits()).isEqualTo(3);
        List<ReceivedSpan> spans = Collector.clientSpans(upstream.port(), 3);
        assertThat(spans).hasSize(3);
        assertThat(spans).extracting(s -> s.longAttr("upstreamguard.attempt")).containsExactly(1L, 2L, 3L);
        assertThat(spans.get(2).attr("upstreamguard.outcome")).isEqualTo("success");
        for (int i = 0; i < 3; i++) {
            assertThat(upstream.requests().get(i).header("traceparent"))
                    .contains(spans.get(i).spanId());
        }
    }
}
