package dev.upstreamguard.reliability;

import dev.upstreamguard.testing.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@link GuardedApp} in its own JVM with the agent attached, exporting spans where it is told. */
final class GuardedAppProcess implements AutoCloseable {

    static final Path AGENT = Paths.get(System.getProperty("agent.jar", "../agent/target/upstream-guard-agent.jar"));

    private final ChildJvm.Running process;
    private final int port;

    GuardedAppProcess(String otlpEndpoint) {
        process = ChildJvm.java()
                .javaagent(AGENT)
                .jvmArg("-Xmx256m")
                .sysProp("otel.service.name", "reliability-app")
                .sysProp("otel.exporter.otlp.endpoint", otlpEndpoint)
                .sysProp("otel.bsp.schedule.delay", "200")
                .sysProp("otel.bsp.export.timeout", "1000")
                .sysProp("upstreamguard.timeout.connect", "300ms")
                .sysProp("upstreamguard.timeout.read", "1s")
                .sysProp("upstreamguard.timeout.call", "2500ms")
                .sysProp("upstreamguard.retry.backoff.initial", "10ms")
                .sysProp("upstreamguard.retry.backoff.max", "50ms")
                // This suite measures timeouts, retries and the budget under each fault; the breaker, which
                // would turn its 502s into fast 503s, has a suite of its own (CascadeTest).
                .sysProp("upstreamguard.breaker.enabled", "false")
                .mainClass(GuardedApp.class.getName())
                .timeout(Duration.ofMinutes(30))
                .start();
        String line = process.awaitOutputLine(l -> l.startsWith("port="), Duration.ofSeconds(60));
        port = Integer.parseInt(line.substring("port=".length()).trim());
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port + pathAndQuery;
    }

    /** threads, heap (bytes, after a GC) and fds of the application JVM. */
    Map<String, Long> stats(HttpClient client) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(url("/stats")))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Long> stats = new HashMap<>();
        for (String pair : r.body().trim().split(" ")) {
            String[] kv = pair.split("=");
            stats.put(kv[0], Long.parseLong(kv[1]));
        }
        return stats;
    }

    /** What the agent printed on stderr (each line prefixed [upstream-guard]). */
    String stderr() {
        return process.stderr();
    }

    @Override
    public void close() {
        process.close();
    }
}
