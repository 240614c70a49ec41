package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.testing.ConnectHang;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import dev.upstreamguard.testing.Ports;
import dev.upstreamguard.testing.ReceivedSpan;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The application's own shorter timeout is never replaced by the agent's longer one (connect 500 ms,
 * read 1 s in the ITs), wherever Apache HttpClient 5 lets the application set it: the connection
 * manager's {@code SocketConfig} and {@code ConnectionConfig} (5.2's advice; both, a per-route
 * resolver, the basic manager) and the {@code RequestConfig}; over plain HTTP, TLS and (5.6 and newer)
 * a Unix domain socket. Each call makes the agent's three attempts of the application's 150 ms read or
 * 100 ms connect.
 */
class Apache5AppTimeoutsIT {

    private static final Duration READ = Duration.ofMillis(150);
    private static final Duration CONNECT = Duration.ofMillis(100);
    private static final Duration LONG = Duration.ofSeconds(20);

    @BeforeEach
    void clearSpans() {
        Collector.receiver().clear();
    }

    @AfterAll
    static void noAgentErrors() {
        assertThat(Bridge.errorCount()).isZero();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "SocketConfig, http", "ConnectionConfig, http", "both, http", "resolver, http", "basic manager, http",
                "RequestConfig, http",
        "SocketConfig, tls", "ConnectionConfig, tls", "both, tls", "resolver, tls", "basic manager, tls",
                "RequestConfig, tls",
        "SocketConfig, uds", "ConnectionConfig, uds", "both, uds", "resolver, uds", "RequestConfig, uds"
    })
    void theApplicationsShorterReadTimeoutIsKept(String place, String transport) throws Exception {
        // (the basic manager, made from a socket-factory registry, has no route to a Unix domain socket)
        assumeBasicManagerRetries(place);
        Path socket = null;
        String url;
        int port;
        AutoCloseable server;
        if (transport.equals("http")) {
            FaultyUpstream upstream = FaultyUpstream.start().otherwise(Fault.slowHead(Duration.ofSeconds(5)));
            server = upstream;
            port = upstream.port();
            url = upstream.url("/slow");
        } else if (transport.equals("tls")) {
            SilentServer tls = SilentServer.tls();
            server = tls;
            port = tls.port();
            url = "https://127.0.0.1:" + port + "/slow";
        } else {
            assumeUnixDomainSockets();
            SilentServer uds = SilentServer.unixSocket();
            server = uds;
            socket = uds.socketPath();
            port = Ports.refusedPort(); // only names the call: over the socket, nothing connects to it
            url = "http://127.0.0.1:" + port + "/slow";
        }
        try (server;
                CloseableHttpClient client = client(place, transport, socket, CONNECT.multipliedBy(50), READ)) {
            Throwable thrown = catchThrowable(() -> client.execute(new HttpGet(url), r -> r.getCode()));

            assertThat(thrown).isInstanceOf(SocketTimeoutException.class);
            List<ReceivedSpan> spans = Collector.clientSpans(port, 3);
            // the application's 150 ms ended attempts: with the agent's 1 s, none could end sooner
            assertThat(spans).filteredOn(s -> s.durationMillis() < 1_000).isNotEmpty();
            assertThat(spans)
                    .extracting(s -> s.longAttr("upstreamguard.timeout.read_ms"))
                    .containsOnly(150L);
            assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("timeout");
            if (server instanceof SilentServer) {
                assertThat(((SilentServer) server).heads()).isEqualTo(3);
            } else {
                assertThat(((FaultyUpstream) server).hits()).isEqualTo(3);
            }
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "ConnectionConfig, http", "both, http", "resolver, http", "basic manager, http", "RequestConfig, http",
        "ConnectionConfig, tls", "both, tls", "resolver, tls", "basic manager, tls", "RequestConfig, tls"
    })
    void theApplicationsShorterConnectTimeoutIsKept(String place, String transport) throws Exception {
        // SocketConfig has no connect timeout; a Unix domain socket's connect is local and never hangs
        assumeBasicManagerRetries(place);
        try (ConnectHang hang = ConnectHang.start();
                CloseableHttpClient client = client(place, transport, null, CONNECT, LONG)) {
            String url = (transport.equals("tls") ? "https" : "http") + "://127.0.0.1:" + hang.port() + "/";
            Throwable thrown = catchThrowable(() -> client.execute(new HttpGet(url), r -> r.getCode()));

            assertThat(thrown).isInstanceOf(ConnectTimeoutException.class);
            List<ReceivedSpan> spans = Collector.clientSpans(hang.port(), 3);
            // the application's 100 ms ended connects: with the agent's 500 ms, none could end sooner
            assertThat(spans).filteredOn(s -> s.durationMillis() < 500).isNotEmpty();
            assertThat(spans)
                    .extracting(s -> s.longAttr("upstreamguard.timeout.connect_ms"))
                    .containsOnly(100L);
            assertThat(spans).extracting(s -> s.attr("upstreamguard.failure")).containsOnly("connect-failure");
        }
    }

    /**
     * A client whose application set {@code connect} and {@code read} in {@code place}; "both" puts the
     * read timeout in {@code ConnectionConfig} (which wins in Apache) over a longer {@code SocketConfig} one.
     */
    @SuppressWarnings("deprecation")
    private static CloseableHttpClient client(
            String place, String transport, Path socket, Duration connect, Duration read) throws Exception {
        SocketConfig socketConfig = SocketConfig.custom()
                .setSoTimeout(Timeout.of(place.equals("SocketConfig") ? read : LONG))
                .build();
        ConnectionConfig.Builder connection = ConnectionConfig.custom();
        if (!place.equals("SocketConfig") && !place.equals("RequestConfig")) {
            connection.setConnectTimeout(Timeout.of(connect)).setSocketTimeout(Timeout.of(read));
        }
        SSLConnectionSocketFactory tls = transport.equals("tls")
                ? new SSLConnectionSocketFactory(SilentServer.clientContext(), NoopHostnameVerifier.INSTANCE)
                : null;
        HttpClientConnectionManager manager;
        if (place.equals("basic manager")) {
            RegistryBuilder<ConnectionSocketFactory> registry = RegistryBuilder.<ConnectionSocketFactory>create()
                    .register("http", PlainConnectionSocketFactory.getSocketFactory());
            if (tls != null) {
                registry.register("https", tls);
            }
            BasicHttpClientConnectionManager basic = new BasicHttpClientConnectionManager(registry.build());
            basic.setSocketConfig(socketConfig);
            basic.setConnectionConfig(connection.build());
            manager = basic;
        } else {
            PoolingHttpClientConnectionManagerBuilder builder =
                    PoolingHttpClientConnectionManagerBuilder.create().setDefaultSocketConfig(socketConfig);
            if (tls != null) {
                builder.setSSLSocketFactory(tls);
            }
            if (!place.equals("resolver")) {
                builder.setDefaultConnectionConfig(connection.build());
            }
            PoolingHttpClientConnectionManager pooling = builder.build();
            if (place.equals("resolver")) {
                ConnectionConfig config = connection.build();
                pooling.setConnectionConfigResolver(route -> config);
            }
            manager = pooling;
        }
        RequestConfig.Builder request = RequestConfig.custom();
        if (place.equals("RequestConfig")) {
            request.setConnectTimeout(Timeout.of(connect)).setResponseTimeout(Timeout.of(read));
        }
        if (socket != null) {
            UnixSockets.route(request, socket);
        }
        return HttpClients.custom()
                .setConnectionManager(manager)
                .setDefaultRequestConfig(request.build())
                .build();
    }

    private static void assumeBasicManagerRetries(String place) {
        Assumptions.assumeFalse(
                place.equals("basic manager")
                        && System.getProperty("it.version.apache5", "").startsWith("5.2."),
                "HttpClient 5.2's BasicHttpClientConnectionManager hands a retried attempt the closed connection of"
                        + " the failed one (SocketException: Socket is closed), whatever the timeouts: reported, not"
                        + " this test's subject");
    }

    private static void assumeUnixDomainSockets() {
        Assumptions.assumeTrue(
                UnixSockets.supported(),
                "Unix domain sockets came with HttpClient 5.6 (RequestConfig.setUnixDomainSocket); the old-version "
                        + "execution runs 5.2.3, which has none");
    }

    /** {@code RequestConfig.Builder.setUnixDomainSocket(Path)}, looked up so the class still loads on 5.2. */
    private static final class UnixSockets {
        static boolean supported() {
            try {
                RequestConfig.Builder.class.getMethod("setUnixDomainSocket", Path.class);
                return true;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }

        static void route(RequestConfig.Builder request, Path socket) throws Exception {
            RequestConfig.Builder.class
                    .getMethod("setUnixDomainSocket", Path.class)
                    .invoke(request, socket);
        }
    }
}
