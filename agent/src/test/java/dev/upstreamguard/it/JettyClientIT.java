package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.OutputStreamRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite against Jetty's HttpClient 12 (the version on the class path: see the agent pom's
 * executions), through the blocking {@code send()} and through {@code send(Response.CompleteListener)};
 * then the read timeout as an idle timeout, which Jetty's own is: it runs from the last byte either way.
 */
class JettyClientIT {

    @Nested
    class Send extends ClientConformanceSuite {
        private final ClientDriver driver = new JettyClientDriver(false);

        @Override
        protected ClientDriver driver() {
            return driver;
        }
    }

    @Nested
    class SendWithListener extends ClientConformanceSuite {
        private final ClientDriver driver = new JettyClientDriver(true);

        @Override
        protected ClientDriver driver() {
            return driver;
        }
    }

    /** The build's read timeout is 1 s (see {@code it.guard}); the client's own idle timeout is Jetty's 30 s. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ReadTimeoutRunsFromTheLastByte {
        private HttpClient client;
        private FaultyUpstream upstream;

        @BeforeAll
        void startClient() throws Exception {
            client = new HttpClient();
            client.start();
        }

        @AfterAll
        void stopClient() throws Exception {
            client.stop();
        }

        @BeforeEach
        void startUpstream() {
            upstream = FaultyUpstream.start();
        }

        @AfterEach
        void stopUpstream() {
            upstream.close();
        }

        @Test
        void aBodyThatStallsAfterItsFirstBytesIsCutAtTheReadTimeout() {
            upstream.otherwise(Fault.stallBody(200, 1_000, "{\"partial\":"));
            long start = System.nanoTime();

            Throwable thrown = catchThrowable(() -> client.GET(upstream.url("/stalls")));

            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(thrown) // what Jetty's own idle timeout throws from send()
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageStartingWith("Idle timeout expired: ");
            assertThat(elapsedMs)
                    .as("1 s after the last byte, not Jetty's 30 s")
                    .isBetween(900L, 8_000L);
            assertThat(upstream.hits())
                    .as("the head was not retryable: one attempt")
                    .isEqualTo(1);
        }

        @Test
        void aBodyThatKeepsComingIsReadToItsEndHoweverLongItTakes() throws Exception {
            String body = "x".repeat(25);
            upstream.otherwise(Fault.dribbleBody(200, body, Duration.ofMillis(100))); // 2.5 s in all

            ContentResponse response = client.GET(upstream.url("/dribbles"));

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo(body);
            assertThat(upstream.hits()).isEqualTo(1);
        }

        @Test
        void anUploadThatKeepsComingIsNotCutHoweverLongItTakes() throws Exception {
            upstream.otherwise(Fault.ok("stored"));
            OutputStreamRequestContent upload = new OutputStreamRequestContent("text/plain");
            Thread writer = new Thread(() -> {
                try (OutputStream out = upload.getOutputStream()) {
                    for (int i = 0; i < 10; i++) { // 2 s in all, a chunk every 200 ms
                        Thread.sleep(200);
                        out.write(("chunk" + i + ";").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.setDaemon(true);
            writer.start();

            ContentResponse response = client.POST(upstream.url("/upload"))
                    .body(upload)
                    .timeout(20, TimeUnit.SECONDS)
                    .send();

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo("stored");
            assertThat(new String(upstream.requests().get(0).body(), StandardCharsets.US_ASCII))
                    .startsWith("chunk0;")
                    .endsWith("chunk9;");
        }
    }
}
