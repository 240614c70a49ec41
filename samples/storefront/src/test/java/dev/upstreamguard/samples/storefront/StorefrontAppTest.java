package dev.upstreamguard.samples.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storefront in its embedded Jetty, with and without the filter, over real HTTP (no agent). */
class StorefrontAppTest {

    private static FaultyUpstream inventory;
    private static FaultyUpstream pricing;
    private static FaultyUpstream payments;
    private static Server guarded;
    private static Server unguarded;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @BeforeAll
    static void start() throws Exception {
        inventory = FaultyUpstream.start();
        pricing = FaultyUpstream.start();
        payments = FaultyUpstream.start();
        System.setProperty("storefront.inventory.url", inventory.url(""));
        System.setProperty("storefront.pricing.url", pricing.url(""));
        System.setProperty("storefront.payments.url", payments.url(""));
        guarded = StorefrontApp.start(0, true);
        unguarded = StorefrontApp.start(0, false);
    }

    @AfterAll
    static void stop() throws Exception {
        guarded.stop();
        unguarded.stop();
        inventory.close();
        pricing.close();
        payments.close();
    }

    @BeforeEach
    void healthy() {
        inventory.reset();
        pricing.reset();
        payments.reset();
        inventory.otherwise(Fault.ok("7"));
        pricing.otherwise(Fault.ok("19.90"));
        payments.otherwise(Fault.status(201, "pay-1"));
    }

    @Test
    void productAsksInventoryAndPricing() throws Exception {
        HttpResponse<String> response = get(guarded, "/product/p-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"id\":\"p-1\",\"stock\":\"7\",\"price\":\"19.90\"}");
        assertThat(inventory.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/stock/p-1"));
        assertThat(pricing.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/price/p-1"));
    }

    @Test
    void withTheFilterAnUnreachableUpstreamIsACleanBadGateway() throws Exception {
        FaultyUpstream gone = FaultyUpstream.start();
        gone.close();
        System.setProperty("storefront.inventory.url", gone.url(""));
        try {
            HttpResponse<String> response = get(guarded, "/product/p-2");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.body())
                    .contains("\"failure\":\"connect-failure\"")
                    .contains("\"instance\":\"/product/p-2\"")
                    .doesNotContain("Exception");
        } finally {
            System.setProperty("storefront.inventory.url", inventory.url(""));
        }
    }

    @Test
    void withoutTheFilterTheSameFailureIsTheContainersError() throws Exception {
        inventory.otherwise(Fault.resetBeforeHead());

        HttpResponse<String> response = get(unguarded, "/product/p-3");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .doesNotStartWith("application/problem+json");
    }

    @Test
    void anUpstreamErrorStatusBecomesTheApplicationsOwnException() throws Exception {
        pricing.otherwise(Fault.status(503));

        assertThat(get(unguarded, "/product/p-4").statusCode()).isEqualTo(500);
        assertThat(pricing.hits()).isEqualTo(1); // no agent: no retry
    }

    @Test
    void checkoutPostsToPaymentsOnce() throws Exception {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create(StorefrontApp.baseUrl(guarded) + "/checkout"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"order\":42}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("{\"payment\":\"pay-1\"}");
        assertThat(payments.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/charges");
        });
    }

    @Test
    void unknownProductPathIsNotFound() throws Exception {
        assertThat(get(guarded, "/product/../etc").statusCode()).isIn(400, 404);
        assertThat(inventory.hits()).isZero();
    }

    @Test
    void theUnguardedDescriptorIsTheWarsWithoutTheFilter() throws IOException {
        String war = Files.readString(Path.of("src/main/webapp/WEB-INF/web.xml"), StandardCharsets.UTF_8);
        String plain =
                Files.readString(Path.of("src/main/resources/storefront/web-unguarded.xml"), StandardCharsets.UTF_8);

        assertThat(servlets(plain))
                .isEqualTo(servlets(
                        war.replaceAll("(?s)\\s*<!-- upstream-guard-filter -->.*<!-- /upstream-guard-filter -->", "")));
        assertThat(plain).doesNotContain("UpstreamGuardFilter");
    }

    /** The descriptor from its display-name on, comments dropped. */
    private static String servlets(String xml) {
        return xml.substring(xml.indexOf("<display-name>"))
                .replaceAll("(?s)<!--.*?-->", "")
                .strip();
    }

    private static HttpResponse<String> get(Server server, String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(StorefrontApp.baseUrl(server) + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
