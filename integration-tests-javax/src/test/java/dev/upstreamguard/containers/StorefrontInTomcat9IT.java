package dev.upstreamguard.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.Ports;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sample storefront's javax WAR (generated from samples/storefront) in the real Tomcat 9, with the
 * agent in {@code bin/setenv.sh}: a failed inventory is the filter's 502 naming it, in one trace from the
 * SERVER span to every attempt, continuing the caller's traceparent. Written here, not generated: the
 * contract of ../integration-tests is the shop's; this is the storefront's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorefrontInTomcat9IT {
    private static final String CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    private OtlpReceiver receiver;
    private FaultyUpstream inventory;
    private FaultyUpstream pricing;
    private ContainerProcess tomcat;
    private URI base;

    @BeforeAll
    void startTomcat() throws Exception {
        receiver = OtlpReceiver.start();
        inventory = FaultyUpstream.start();
        pricing = FaultyUpstream.start();
        Path home = Settings.tomcatHome();
        Path catalinaBase = Settings.workDir("storefront-tomcat9");
        for (String dir : List.of("bin", "conf", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(catalinaBase.resolve(dir));
        }
        for (String conf : List.of("web.xml", "logging.properties", "catalina.properties", "context.xml")) {
            Files.copy(
                    home.resolve("conf").resolve(conf),
                    catalinaBase.resolve("conf").resolve(conf));
        }
        int port = Ports.refusedPort(); // a port just free
        try (InputStream in = getClass().getResourceAsStream("/containers/tomcat-server.xml")) {
            Files.writeString(
                    catalinaBase.resolve("conf/server.xml"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace("@HTTP_PORT@", Integer.toString(port)));
        }
        Files.writeString(
                catalinaBase.resolve("bin/setenv.sh"),
                "CATALINA_OPTS=\"$CATALINA_OPTS -javaagent:" + Settings.agentJar() + "\"\n");
        Files.copy(Path.of(System.getProperty("storefront.war")), catalinaBase.resolve("webapps/storefront.war"));

        List<String> options = new ArrayList<>(Settings.systemProperties(receiver));
        // "localhost" is the named dependency "inventory"; pricing is reached by address.
        options.add("-Dstorefront.inventory.url=http://localhost:" + inventory.port());
        options.add("-Dstorefront.pricing.url=http://127.0.0.1:" + pricing.port());
        tomcat = ContainerProcess.start(
                "tomcat9-storefront",
                List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"),
                catalinaBase,
                Map.of(
                        "JAVA_HOME",
                        Settings.javaHome().toString(),
                        "JRE_HOME",
                        Settings.javaHome().toString(),
                        "CATALINA_HOME",
                        home.toString(),
                        "CATALINA_BASE",
                        catalinaBase.toString(),
                        "CATALINA_PID",
                        "",
                        "JAVA_OPTS",
                        "",
                        "CATALINA_OPTS",
                        String.join(" ", options)),
                catalinaBase.resolve("logs/console.log"));
        base = URI.create("http://127.0.0.1:" + port + "/storefront");
        try {
            tomcat.awaitReady(URI.create(base + "/product/ready"), Duration.ofSeconds(90));
        } catch (RuntimeException | Error e) {
            stopTomcat();
            throw e;
        }
    }

    @AfterAll
    void stopTomcat() {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            inventory.close();
            pricing.close();
            receiver.close();
        }
    }

    /** Before each test, so that the start-up's readiness requests are not counted either. */
    @BeforeEach
    void resetUpstreams() {
        inventory.reset();
        pricing.reset();
    }

    @Test
    void aProductPageWorksThroughTheGuard() {
        inventory.otherwise(Fault.ok("12"));
        pricing.otherwise(Fault.ok("9.90"));

        Answer answer = Answer.get(tomcat(), "/product/sku-1", null, null);

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"id\":\"sku-1\",\"stock\":\"12\",\"price\":\"9.90\"}");
    }

    @Test
    void aFailedInventoryIsA502InOneTraceThatContinuesTheCallers() {
        inventory.otherwise(Fault.status(503));
        String traceparent = "00-" + CALLER_TRACE_ID + "-" + CALLER_SPAN_ID + "-01";

        Answer answer = Answer.get(tomcat(), "/product/sku-1", null, traceparent);

        assertThat(answer.status()).as("%s\n%s", answer, tomcat.output()).isEqualTo(502);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.member("failure")).isEqualTo("status");
        assertThat(answer.member("dependency")).isEqualTo(Settings.NAMED_DEPENDENCY);
        assertThat(answer.member("traceId")).isEqualTo(CALLER_TRACE_ID);
        List<ReceivedSpan> trace = receiver.awaitSpans(
                s -> s.traceId().equals(CALLER_TRACE_ID)
                        && (s.kind().equals("CLIENT") || s.attr("upstreamguard.failure") != null),
                4,
                Duration.ofSeconds(30));
        ReceivedSpan server = trace.stream()
                .filter(s -> s.kind().equals("SERVER"))
                .findFirst()
                .orElseThrow();
        assertThat(server.parentSpanId()).isEqualTo(CALLER_SPAN_ID);
        assertThat(server.attr("upstreamguard.failed.dependency")).isEqualTo(Settings.NAMED_DEPENDENCY);
        assertThat(server.longAttr("upstreamguard.attempts")).isEqualTo(3L);
        assertThat(trace)
                .filteredOn(s -> s.kind().equals("CLIENT"))
                .hasSize(3)
                .allSatisfy(attempt -> assertThat(attempt.parentSpanId()).isEqualTo(server.spanId()));
        assertThat(inventory.hits()).isEqualTo(3);
        assertThat(pricing.hits()).isZero();
    }

    /** The storefront as a {@link Shop}, for {@link Answer}. */
    private Shop tomcat() {
        return new Shop() {
            @Override
            public URI base() {
                return base;
            }

            @Override
            public String output() {
                return tomcat.output();
            }

            @Override
            public void close() {
                tomcat.close();
            }
        };
    }
}
