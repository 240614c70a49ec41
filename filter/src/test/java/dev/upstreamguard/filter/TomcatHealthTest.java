package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code health-path} endpoint in embedded Tomcat 10.1, as in {@link HealthEndpointTest} for Jetty. */
class TomcatHealthTest {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Tomcat tomcat;
    private static int port;

    @BeforeAll
    static void startTomcat(@TempDir Path baseDir) throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        List<Map<String, Object>> state = List.of(
                HealthEndpointTest.INVENTORY_DOWN, HealthEndpointTest.PRICING_UP, HealthEndpointTest.UNNAMED_DOWN);
        context(baseDir, "/app", () -> state, Map.of("health-path", HealthEndpointTest.PATH));
        context(
                baseDir,
                "/down",
                () -> state,
                Map.of("health-path", HealthEndpointTest.PATH, "health-down-status", "503"));
        context(baseDir, "/noagent", null, Map.of("health-path", HealthEndpointTest.PATH));
        tomcat.start();
        port = connector.getLocalPort();
    }

    private static void context(
            Path baseDir, String path, Supplier<List<Map<String, Object>>> source, Map<String, String> initParams) {
        Context context = tomcat.addContext(path, baseDir.toString());
        UpstreamGuardFilter filter = new UpstreamGuardFilter();
        filter.healthSource(source);
        FilterDef def = new FilterDef();
        def.setFilterName("upstreamGuard");
        def.setFilter(filter);
        def.setFilterClass(UpstreamGuardFilter.class.getName());
        def.setAsyncSupported("true");
        initParams.forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("upstreamGuard");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        Wrapper wrapper = Tomcat.addServlet(
                context,
                "app",
                Servlets.of((request, response) -> response.getWriter().write("from the application")));
        wrapper.addMapping("/*");
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersTheJsonWith200AndNoAddress() throws Exception {
        HttpResponse<String> response = send("GET", "/app" + HealthEndpointTest.PATH);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body())
                .isEqualTo(
                        "{\"status\":\"UP\",\"dependencies\":{"
                                + "\"inventory\":{\"status\":\"DOWN\",\"breaker\":\"open\",\"nextProbeInSeconds\":4,"
                                + "\"window\":{\"attempts\":37,\"failed\":37,\"failureRate\":1.0},\"lastFailure\":\"connect-failure\","
                                + "\"lastFailureAt\":\"2026-12-03T10:15:02Z\"},"
                                + "\"pricing\":{\"status\":\"UP\",\"breaker\":\"closed\",\"window\":{\"attempts\":12,\"failed\":0,\"failureRate\":0.0}}}}");
    }

    @Test
    void healthDownStatusApplies() throws Exception {
        HttpResponse<String> response = send("GET", "/down" + HealthEndpointTest.PATH);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("{\"status\":\"DOWN\",");
    }

    @Test
    void withoutTheAgentItAnswersUnknown() throws Exception {
        assertThat(send("GET", "/noagent" + HealthEndpointTest.PATH).body()).isEqualTo("{\"status\":\"UNKNOWN\"}");
    }

    @Test
    void postIsAnswered405() throws Exception {
        HttpResponse<String> response = send("POST", "/app" + HealthEndpointTest.PATH);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(send("GET", "/app/other").body()).isEqualTo("from the application");
    }
}
