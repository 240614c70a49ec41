package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shop WAR in a real Jetty 12 distribution: a jetty.base of its own under target/ with the modules
 * {@code http} and {@code ee10-deploy}, started as {@code java -javaagent:... -jar $JETTY_HOME/start.jar}
 * (what {@code bin/jetty.sh} runs with {@code JAVA_OPTIONS}), listening on 127.0.0.1 only.
 */
final class JettyShop implements Shop {
    private final ContainerProcess process;
    private final URI base;

    private JettyShop(ContainerProcess process, URI base) {
        this.process = process;
        this.base = base;
    }

    static JettyShop start(String name, OtlpReceiver receiver) throws IOException {
        return start(name, Settings.war(), "shop", "/health", Settings.systemProperties(receiver));
    }

    /**
     * Deploys {@code war} as context {@code /context} in a Jetty started with these JVM {@code options};
     * returns once {@code GET /context + readyPath} answers 200.
     */
    static JettyShop start(String name, Path war, String context, String readyPath, List<String> options)
            throws IOException {
        Path home = Settings.jettyHome();
        Path jettyBase = Settings.workDir(name);
        String startJar = home.resolve("start.jar").toString();
        String java = Settings.javaBinary().toString();
        ContainerProcess.runToEnd(
                "jetty-" + name + "-add-modules",
                List.of(java, "-jar", startJar, "--add-modules=http,ee10-deploy"),
                jettyBase,
                Map.of(),
                jettyBase.resolve("add-modules.log"));
        Files.createDirectories(jettyBase.resolve("webapps"));
        Files.copy(war, jettyBase.resolve("webapps/" + context + ".war"));

        int port = Ports.refusedPort(); // a port just free: nothing else listens on it
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-javaagent:" + Settings.agentJar());
        command.addAll(options);
        command.addAll(List.of("-jar", startJar, "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        ContainerProcess process =
                ContainerProcess.start("jetty-" + name, command, jettyBase, Map.of(), jettyBase.resolve("console.log"));
        JettyShop shop = new JettyShop(process, URI.create("http://127.0.0.1:" + port + "/" + context));
        try {
            process.awaitReady(URI.create(shop.base + readyPath), Duration.ofSeconds(90));
        } catch (RuntimeException | Error e) {
            shop.close();
            throw e;
        }
        return shop;
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
