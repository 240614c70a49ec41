package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's threads, started by the shop's first guarded calls, do not keep the shop's class loader:
 * undeploying the WAR and deploying it again in a running Tomcat leaves no "failed to stop" thread
 * warning naming an agent thread (before the fix: the deadline watch, the retry threads and the JDK's
 * shared delay thread), and no other leak warning but the shop's own client's.
 */
class TomcatRedeployIT {

    @Test
    void undeployAndRedeployLeaveNoWarningAboutTheAgentsThreads() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start();
                FaultyUpstream upstream = FaultyUpstream.start();
                TomcatShop shop = TomcatShop.start("tomcat-redeploy", TomcatShop.ApiLayout.IN_WAR, receiver, true)) {
            upstream.enqueue(Fault.ok("first"), Fault.status(503)).otherwise(Fault.ok("again"));

            // the process's first guarded calls, from Tomcat's request threads: a send, then a retried sendAsync
            assertThat(Answer.get(shop, "/call/httpclient", upstream.url("/a"), null)
                            .status())
                    .isEqualTo(200);
            assertThat(Answer.get(shop, "/call/httpclient-async", upstream.url("/b"), null)
                            .status())
                    .isEqualTo(200);
            assertThat(upstream.hits()).isEqualTo(3);

            Path war = shop.webapps().resolve("shop.war");
            Path kept = war.resolveSibling("shop.war.kept");
            Files.move(war, kept);
            awaitHealth(shop, 404);
            Files.move(kept, war);
            awaitHealth(shop, 200);
            assertThat(Answer.get(shop, "/call/httpclient", upstream.url("/c"), null)
                            .status())
                    .isEqualTo(200);

            String logs = logs(shop.webapps().resolveSibling("logs"));
            assertThat(logs).as("Tomcat undeployed the shop").contains("Undeploying");
            List<String> warnings = logs.lines()
                    .filter(l -> l.contains("failed to stop it") || l.contains("memory leak"))
                    .collect(Collectors.toList());
            assertThat(warnings).as(String.join("\n", warnings)).noneMatch(l -> l.contains("upstream-guard"));
            // the shop's own static HttpClient (no close() before Java 21) leaves its selector and worker
            // threads: the application's, not the agent's. Nothing else may be named.
            assertThat(warnings)
                    .as(String.join("\n", warnings))
                    .allMatch(l -> l.contains("appears to have started a thread named [HttpClient-"));
        }
    }

    /** Waits (at most 60 s) until the shop's health page answers {@code status}: 404 once it is undeployed. */
    private static void awaitHealth(TomcatShop shop, int status) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = client.send(
                                HttpRequest.newBuilder(URI.create(shop.base() + "/health"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notNow) {
                // between undeploy and deploy
            }
            Thread.sleep(200);
        }
        throw new AssertionError("/health answered " + last + ", not " + status + ", within 60 s\n" + shop.output());
    }

    private static String logs(Path dir) throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                texts.add(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return String.join("\n", texts);
    }
}
