package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.ReceivedSpan;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials pass through to the upstream untouched but never reach a span: user info, signing query
 * parameters, Authorization, Cookie and Set-Cookie.
 */
class SecrecyIT {

    private static final String SECRET = "s3cr3t-value";

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        Collector.receiver().clear();
        upstream = FaultyUpstream.start();
        upstream.otherwise(Fault.status(503).withHeader("Set-Cookie", "session=" + SECRET));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private String url() {
        return "http://user:" + SECRET + "@127.0.0.1:" + upstream.port() + "/bucket/key?X-Amz-Signature=" + SECRET
                + "&X-Amz-Credential=" + SECRET + "&page=1";
    }

    private void assertNoSecretIn(List<ReceivedSpan> spans) {
        assertThat(spans).isNotEmpty().allSatisfy(span -> {
            assertThat(span.attributes().values())
                    .noneMatch(v -> String.valueOf(v).contains(SECRET));
            assertThat(span.events())
                    .allSatisfy(e -> assertThat(e.attributes().values())
                            .noneMatch(v -> String.valueOf(v).contains(SECRET)));
            assertThat(span.attr("url.full"))
                    .isEqualTo("http://REDACTED:REDACTED@127.0.0.1:" + upstream.port()
                            + "/bucket/key?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&page=1");
        });
    }

    @Test
    void httpUrlConnectionSecretsStayOutOfSpans() throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url()).openConnection();
        c.setRequestProperty("Authorization", "Bearer " + SECRET);
        c.setRequestProperty("Cookie", "session=" + SECRET);
        assertThat(c.getResponseCode()).isEqualTo(503);

        assertThat(upstream.requests().get(0).header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertNoSecretIn(Collector.clientSpans(upstream.port(), 3));
    }

    @Test
    void httpClientSecretsStayOutOfSpans() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url()))
                .header("Authorization", "Bearer " + SECRET)
                .header("Cookie", "session=" + SECRET)
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);

        assertThat(upstream.requests()).allMatch(r -> ("Bearer " + SECRET).equals(r.header("Authorization")));
        assertNoSecretIn(Collector.clientSpans(upstream.port(), 3));
    }
}
