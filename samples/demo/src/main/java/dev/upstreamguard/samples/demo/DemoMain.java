package dev.upstreamguard.samples.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar samples/demo/target/upstream-guard-demo.jar [--quick] [--no-colour] [--jaeger]}: runs
 * the demo from the repository's root (or anywhere, with {@code -Dupstreamguard.demo.agent=PATH} naming
 * the agent jar). {@code --jaeger} sends the guarded storefront's spans to a Jaeger too (see {@link
 * DemoJaeger}) and prints the failed request's trace as Jaeger returns it. Exits 0 when the demo ran to
 * the end.
 */
public final class DemoMain {

    private static final String JAEGER_OTLP = "http://127.0.0.1:4318";

    private DemoMain() {}

    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        for (String option : options) {
            if (!List.of("--quick", "--no-colour", "--no-color", "--jaeger").contains(option)) {
                System.err.println("unknown option " + option + " (expected --quick, --no-colour, --jaeger)");
                System.exit(2);
            }
        }
        Path agent = agentJar();
        boolean colour = !options.contains("--no-colour") && !options.contains("--no-color") && colourTerminal();
        DemoJaeger readBack = null;
        if (options.contains("--jaeger")) {
            readBack = DemoJaeger.find(Path.of(""), repositoryRoot());
            if (readBack == null) {
                System.out.println(DemoJaeger.notFound(Path.of("")));
            }
        }
        String jaeger = readBack != null ? readBack.otlpEndpoint() : jaegerListening() ? JAEGER_OTLP : null;
        DemoSettings settings = options.contains("--quick")
                ? DemoSettings.quick(agent, colour, jaeger)
                : DemoSettings.full(agent, colour, jaeger);
        Demo demo = new Demo(settings, System.out, readBack);
        Thread stopper = new Thread(demo::close, "demo-stop");
        Runtime.getRuntime().addShutdownHook(stopper); // Ctrl-C stops the child JVMs too
        try (demo) {
            demo.run();
        } catch (IllegalStateException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@code -Dupstreamguard.demo.agent}, else agent/target/upstream-guard-agent.jar found from here or from this jar. */
    static Path agentJar() {
        String configured = System.getProperty("upstreamguard.demo.agent");
        if (configured != null) {
            return Path.of(configured);
        }
        Path relative = Path.of("agent", "target", "upstream-guard-agent.jar");
        if (Files.isRegularFile(relative)) {
            return relative.toAbsolutePath();
        }
        return repositoryRoot().resolve(relative);
    }

    /** The repository's root, from this jar's place (samples/demo/target/upstream-guard-demo.jar), else here. */
    static Path repositoryRoot() {
        try {
            Path jar = Path.of(DemoMain.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return jar.getParent().getParent().getParent().getParent();
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private static boolean jaegerListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 4318), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean colourTerminal() {
        if (System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // Java 22+ has a console even when the output is redirected
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
