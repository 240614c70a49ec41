package dev.upstreamguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChaosUpstreamTest {

    private final ChaosUpstream upstream = ChaosUpstream.start("inventory", "7", 1);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    @AfterEach
    void close() {
        upstream.close();
    }

    @Test
    void healthyAnswers200() throws Exception {
        assertThat(call(Duration.ofSeconds(5))).isEqualTo("200");
        assertThat(upstream.attempts()).isEqualTo(1);
    }

    @Test
    void flakyAnswersAShareOf503sAndResets() throws Exception {
        upstream.mode(ChaosMode.FLAKY);
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            outcomes.merge(call(Duration.ofSeconds(5)), 1, Integer::sum);
        }

        // The JDK client silently re-sends a GET after a reset, so a reset shows either to the caller
        // or as an extra attempt.
        int resets = outcomes.getOrDefault("reset", 0) + upstream.attempts() - 200;
        assertThat(outcomes.getOrDefault("503", 0)).isBetween(40, 85); // 30%
        assertThat(resets).isBetween(8, 40); // 10%
        assertThat(outcomes.getOrDefault("200", 0)).isBetween(90, 150);
    }

    @Test
    void slowHoldsTheHeadPastAOneSecondTimeout() throws Exception {
        upstream.mode(ChaosMode.SLOW);
        long start = System.nanoTime();

        assertThat(call(Duration.ofSeconds(1))).isEqualTo("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ChaosUpstream.SLOW_HEAD);
        assertThat(upstream.attempts()).isEqualTo(1); // it reached the upstream
    }

    @Test
    void downRefusesAndComesBackOnTheSamePort() throws Exception {
        call(Duration.ofSeconds(5));
        upstream.mark();
        upstream.mode(ChaosMode.DOWN);

        assertThatThrownBy(() -> send(Duration.ofSeconds(5))).isInstanceOf(ConnectException.class);
        assertThat(upstream.attemptsSinceMark()).isZero();

        upstream.mode(ChaosMode.HEALTHY);
        assertThat(call(Duration.ofSeconds(5))).isEqualTo("200");
        assertThat(upstream.attemptsSinceMark()).isEqualTo(1);
        assertThat(upstream.attempts()).isEqualTo(2);
    }

    @Test
    void modesHaveLabels() {
        assertThat(ChaosMode.of(" Flaky ")).isEqualTo(ChaosMode.FLAKY);
        assertThatThrownBy(() -> ChaosMode.of("broken")).hasMessageContaining("expected healthy, flaky, slow or down");
    }

    private String call(Duration timeout) throws InterruptedException {
        try {
            return Integer.toString(send(timeout).statusCode());
        } catch (HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "reset";
        }
    }

    private HttpResponse<String> send(Duration timeout) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/stock/1"))
                        .timeout(timeout)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
