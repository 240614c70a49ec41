package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The shop WAR in a real Apache Tomcat 11, started with {@code bin/catalina.sh run}: a CATALINA_BASE of its
 * own under target/, whose {@code bin/setenv.sh} attaches the agent with {@code CATALINA_OPTS} exactly as the
 * README tells users to, and a server.xml listening on 127.0.0.1 only with the shutdown port off.
 */
final class TomcatShop implements Shop {

    /** Where {@code opentelemetry-api} (and its {@code opentelemetry-context}) is. */
    enum ApiLayout {
        /** The usual Maven packaging: the filter and the API in the WAR's WEB-INF/lib. */
        IN_WAR,
        /** The API in Tomcat's common class path ({@code $CATALINA_BASE/lib}), the filter still in WEB-INF/lib. */
        IN_CONTAINER_LIB
    }

    private final ContainerProcess process;
    private final URI base;
    private final Path catalinaBase;

    private TomcatShop(ContainerProcess process, URI base, Path catalinaBase) {
        this.process = process;
        this.base = base;
        this.catalinaBase = catalinaBase;
    }

    static TomcatShop start(String name, ApiLayout layout, OtlpReceiver receiver) throws IOException {
        return start(name, layout, receiver, false);
    }

    /**
     * With {@code autoDeploy}, Tomcat looks at {@code webapps/} every second: removing {@code shop.war}
     * undeploys the application, putting it back deploys it again.
     */
    static TomcatShop start(String name, ApiLayout layout, OtlpReceiver receiver, boolean autoDeploy)
            throws IOException {
        return start(name, layout, Settings.war(), "shop", "/health", Settings.systemProperties(receiver), autoDeploy);
    }

    /**
     * Deploys {@code war} as context {@code /context} in a Tomcat whose {@code CATALINA_OPTS} are {@code
     * options}; returns once {@code GET /context + readyPath} answers 200.
     */
    static TomcatShop start(
            String name, ApiLayout layout, Path war, String context, String readyPath, List<String> options)
            throws IOException {
        return start(name, layout, war, context, readyPath, options, false);
    }

    private static TomcatShop start(
            String name,
            ApiLayout layout,
            Path war,
            String context,
            String readyPath,
            List<String> options,
            boolean autoDeploy)
            throws IOException {
        Path home = Settings.tomcatHome();
        Path catalinaBase = Settings.workDir(name);
        for (String dir : List.of("bin", "conf", "lib", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(catalinaBase.resolve(dir));
        }
        try (var confs = Files.list(home.resolve("conf"))) {
            for (Path conf : (Iterable<Path>) confs::iterator) {
                if (Files.isRegularFile(conf)) {
                    Files.copy(conf, catalinaBase.resolve("conf").resolve(conf.getFileName()));
                }
            }
        }
        int port = Ports.refusedPort(); // a port just free: nothing else listens on it
        String serverXml;
        try (InputStream in = TomcatShop.class.getResourceAsStream("/containers/tomcat-server.xml")) {
            serverXml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@HTTP_PORT@", Integer.toString(port));
        }
        if (autoDeploy) {
            serverXml = serverXml.replace("autoDeploy=\"false\"", "autoDeploy=\"true\" backgroundProcessorDelay=\"1\"");
        }
        Files.writeString(catalinaBase.resolve("conf/server.xml"), serverXml);

        // What the README tells users: attach the agent in bin/setenv.sh (catalina.sh reads CATALINA_BASE's first).
        Files.writeString(
                catalinaBase.resolve("bin/setenv.sh"),
                "CATALINA_OPTS=\"$CATALINA_OPTS -javaagent:" + Settings.agentJar() + "\"\n");

        if (layout == ApiLayout.IN_WAR) {
            Files.copy(war, catalinaBase.resolve("webapps/" + context + ".war"));
        } else {
            unpackMovingApi(war, catalinaBase.resolve("webapps/" + context), catalinaBase.resolve("lib"));
        }

        Map<String, String> env = Map.of(
                "JAVA_HOME", Settings.javaHome().toString(),
                "JRE_HOME", Settings.javaHome().toString(),
                "CATALINA_HOME", home.toString(),
                "CATALINA_BASE", catalinaBase.toString(),
                "CATALINA_PID", "",
                "JAVA_OPTS", "",
                // The test's settings: exporter endpoint and short timeouts. Users put theirs in setenv.sh too.
                "CATALINA_OPTS", String.join(" ", options));
        ContainerProcess process = ContainerProcess.start(
                "tomcat-" + name,
                List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"),
                catalinaBase,
                env,
                catalinaBase.resolve("logs/console.log"));
        TomcatShop shop = new TomcatShop(process, URI.create("http://127.0.0.1:" + port + "/" + context), catalinaBase);
        try {
            process.awaitReady(URI.create(shop.base + readyPath), Duration.ofSeconds(90));
        } catch (RuntimeException | Error e) {
            shop.close();
            throw e;
        }
        return shop;
    }

    /** Unpacks the WAR as an exploded directory, putting the OpenTelemetry API jars in {@code lib} instead. */
    private static void unpackMovingApi(Path war, Path webapp, Path lib) throws IOException {
        int moved = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(war))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String entryName = entry.getName();
                Path target = webapp.resolve(entryName).normalize();
                if (!target.startsWith(webapp)) {
                    throw new IOException("entry outside the WAR: " + entryName);
                }
                if (entryName.startsWith("WEB-INF/lib/opentelemetry-")) {
                    target = lib.resolve(entryName.substring("WEB-INF/lib/".length()));
                    moved++;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (moved == 0) {
            throw new IllegalStateException("no WEB-INF/lib/opentelemetry-*.jar in " + war);
        }
    }

    @Override
    public URI base() {
        return base;
    }

    /** Where the WAR is deployed from: {@code webapps/shop.war} (with {@link ApiLayout#IN_WAR}). */
    Path webapps() {
        return catalinaBase.resolve("webapps");
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
