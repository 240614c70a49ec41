package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Paths the build hands to the tests, and the JVM options every shop runs with. */
final class Settings {
    /** The agent's name for "localhost": a named dependency, so the response may name it. */
    static final String NAMED_DEPENDENCY = "inventory";

    static final String SERVICE_NAME = "shop";
    /** The read timeout the agent applies in the tests: a slow head beyond it is a timeout. */
    static final int READ_TIMEOUT_MILLIS = 600;

    private Settings() {}

    static Path agentJar() {
        return existing("agent.jar");
    }

    static Path otelJavaagentJar() {
        return existing("otel.javaagent.jar");
    }

    static Path tomcatHome() {
        return existing("tomcat.home");
    }

    static Path jettyHome() {
        return existing("jetty.home");
    }

    static Path war() {
        return existing("shop.war");
    }

    /** The sample storefront's WAR (samples/storefront), as a user deploys it. */
    static Path storefrontWar() {
        return existing("storefront.war");
    }

    /** A fresh directory under target/ for one shop. */
    static Path workDir(String name) throws IOException {
        Path dir = Path.of(required("work.dir")).resolve(name);
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** The java home of this JVM: the shops run on the same Java as the tests (17, or 25 with -Dtest.jvm). */
    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    static Path javaBinary() {
        return javaHome().resolve("bin").resolve("java");
    }

    /**
     * The upstreamguard and otel system properties of a shop (the -javaagent option itself is added where each
     * container takes it): short timeouts and backoffs so the fault tests are quick, "localhost" named
     * {@value #NAMED_DEPENDENCY}, every lookup but localhost failing locally, spans exported at once to
     * {@code receiver}.
     */
    static List<String> systemProperties(OtlpReceiver receiver) {
        return systemProperties(receiver.endpoint(), SERVICE_NAME, NAMED_DEPENDENCY + "=localhost");
    }

    /**
     * The same settings for another service: its name, its {@code upstreamguard.dependencies} and where it
     * exports its spans.
     */
    static List<String> systemProperties(String otlpEndpoint, String serviceName, String dependencies) {
        List<String> options = new ArrayList<>();
        options.add("-Dupstreamguard.timeout.connect=500ms");
        options.add("-Dupstreamguard.timeout.read=" + READ_TIMEOUT_MILLIS + "ms");
        options.add("-Dupstreamguard.timeout.call=10s");
        options.add("-Dupstreamguard.retry.backoff.initial=10ms");
        options.add("-Dupstreamguard.retry.backoff.max=40ms");
        options.add("-Dupstreamguard.dependencies=" + dependencies);
        options.add("-Djdk.net.hosts.file=" + hostsFile());
        options.add("-Dotel.service.name=" + serviceName);
        options.add("-Dotel.exporter.otlp.endpoint=" + otlpEndpoint);
        options.add("-Dotel.bsp.schedule.delay=50");
        options.add("-Dotel.metrics.exporter=none");
        options.add("-Dotel.logs.exporter=none");
        return options;
    }

    private static Path hostsFile() {
        try {
            return Path.of(Settings.class.getResource("/containers/hosts").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path existing(String key) {
        Path path = Path.of(required(key)).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IllegalStateException(key + ": " + path + " does not exist; run the build from the root "
                    + "(mvn -B verify -pl integration-tests -am) so the agent, the WAR and the containers are there");
        }
        return path;
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            throw new IllegalStateException(
                    "system property " + key + " is not set; run the tests with Maven failsafe");
        }
        return value;
    }
}
