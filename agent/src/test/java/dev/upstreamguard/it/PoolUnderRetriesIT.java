package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No pooled connection leaks under retries: 2,000 calls that each need a retry (503, then 200) through
 * a client with its default pool finish, and the pool ends with no leased connection. A leaked retried
 * response would exhaust the small default pools (Apache 4: 2 per route) within a few calls and hang.
 * The calls go to {@code bulk.test} (127.0.0.1), a dependency with budget for every retry.
 */
class PoolUnderRetriesIT {

    private static final int CALLS = 2_000;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
        for (int i = 0; i < CALLS; i++) {
            upstream.enqueue(Fault.status(503, "busy"), Fault.ok("ok"));
        }
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).isZero();
    }

    private String url() {
        return "http://bulk.test:" + upstream.port() + "/item";
    }

    @Test
    void apache5() throws Exception {
        var pool = PoolingHttpClientConnectionManagerBuilder.create().build();
        try (var client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setConnectionManager(pool)
                .build()) {
            assertTimeoutPreemptively(LIMIT, () -> {
                for (int i = 0; i < CALLS; i++) {
                    int status = client.execute(
                            new org.apache.hc.client5.http.classic.methods.HttpGet(url()),
                            response -> response.getCode());
                    assertThat(status).isEqualTo(200);
                }
            });
            assertThat(upstream.hits()).isEqualTo(2 * CALLS);
            assertThat(pool.getTotalStats().getLeased()).isZero();
        }
    }

    @Test
    void apache4() throws Exception {
        var pool = new org.apache.http.impl.conn.PoolingHttpClientConnectionManager();
        try (var client = org.apache.http.impl.client.HttpClients.custom()
                .setConnectionManager(pool)
                .build()) {
            assertTimeoutPreemptively(LIMIT, () -> {
                for (int i = 0; i < CALLS; i++) {
                    int status = client.execute(
                            new org.apache.http.client.methods.HttpGet(url()),
                            response -> response.getStatusLine().getStatusCode());
                    assertThat(status).isEqualTo(200);
                }
            });
            assertThat(upstream.hits()).isEqualTo(2 * CALLS);
            assertThat(pool.getTotalStats().getLeased()).isZero();
        }
    }

    @Test
    void okHttp() {
        OkHttpClient client = new OkHttpClient();
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < CALLS; i++) {
                try (var response =
                        client.newCall(new Request.Builder().url(url()).build()).execute()) {
                    assertThat(response.code()).isEqualTo(200);
                    response.body().string();
                }
            }
        });
        assertThat(upstream.hits()).isEqualTo(2 * CALLS);
        // every pooled connection is idle: none is held by a retried response
        assertThat(client.connectionPool().idleConnectionCount())
                .isEqualTo(client.connectionPool().connectionCount());
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
