package dev.upstreamguard.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One successful GET per operation against the loopback upstream, through each guarded client, with the
 * body read to the end and the connection returned to the client's pool, as an application does.
 *
 * <p>Run by {@link BenchLauncher}, which starts the upstream in its own JVM (no agent) and passes its
 * port as {@code bench.upstream.port} to forks that differ only in their {@code -javaagent}. Each
 * client is built once per fork with its defaults, as an application builds it; the third-party clients
 * live in states of their own, so a fork loads (and an agent transforms) only the client it measures. A
 * request the client treats as immutable is built once, a mutable one (Apache's {@code HttpGet}) per
 * call. A new client is one more {@code @Benchmark} method here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClientCallBenchmark {

    private URL url;
    private HttpClient httpClient;
    private HttpRequest request;
    private final byte[] buffer = new byte[4096];

    @Setup
    public void setUp() {
        URI uri = upstreamUri();
        try {
            url = uri.toURL();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        httpClient =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        request = HttpRequest.newBuilder(uri).GET().build();
    }

    @Benchmark
    public int httpUrlConnection() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        int status = connection.getResponseCode();
        try (InputStream in = connection.getInputStream()) {
            return status + drain(in, buffer);
        }
    }

    @Benchmark
    public int httpClientSend() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = httpClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() + response.body().length;
    }

    @Benchmark
    public int httpClientSendAsync() {
        HttpResponse<byte[]> response = httpClient
                .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .join();
        return response.statusCode() + response.body().length;
    }

    @Benchmark
    public int apacheHttpClient5(Apache5 apache) throws IOException {
        return apache.client.execute(new HttpGet(apache.uri), apache.handler);
    }

    @Benchmark
    public int apacheHttpClient4(Apache4 apache) throws IOException {
        return apache.client.execute(new org.apache.http.client.methods.HttpGet(apache.uri), apache.handler);
    }

    @Benchmark
    public int okHttp(OkHttp okHttp) throws IOException {
        // closing the response closes its body and returns the connection to the pool
        try (Response response = okHttp.client.newCall(okHttp.request).execute()) {
            return response.code() + drain(response.body().byteStream(), buffer);
        }
    }

    @Benchmark
    public int jettyClient(Jetty jetty) throws Exception {
        org.eclipse.jetty.client.ContentResponse response = jetty.client.GET(jetty.uri);
        return response.getStatus() + response.getContent().length;
    }

    /** Jetty's HttpClient 12, {@code new HttpClient()} started, {@code GET(uri)} (the blocking {@code send()}). */
    @State(Scope.Benchmark)
    public static class Jetty {
        URI uri;
        org.eclipse.jetty.client.HttpClient client;

        @Setup
        public void setUp() throws Exception {
            uri = upstreamUri();
            client = new org.eclipse.jetty.client.HttpClient();
            client.start();
        }

        @TearDown
        public void tearDown() throws Exception {
            client.stop();
        }
    }

    /** Apache HttpClient 5 classic, {@code HttpClients.createDefault()}. */
    @State(Scope.Benchmark)
    public static class Apache5 {
        URI uri;
        CloseableHttpClient client;
        HttpClientResponseHandler<Integer> handler;
        private final byte[] buffer = new byte[4096];

        @Setup
        public void setUp() {
            uri = upstreamUri();
            client = HttpClients.createDefault();
            // after the handler, the client consumes what is left of the entity and releases the connection
            handler = response -> {
                try (InputStream in = response.getEntity().getContent()) {
                    return response.getCode() + drain(in, buffer);
                }
            };
        }

        @TearDown
        public void tearDown() throws IOException {
            client.close();
        }
    }

    /** Apache HttpClient 4.5, {@code HttpClients.createDefault()}. */
    @State(Scope.Benchmark)
    public static class Apache4 {
        URI uri;
        org.apache.http.impl.client.CloseableHttpClient client;
        org.apache.http.client.ResponseHandler<Integer> handler;
        private final byte[] buffer = new byte[4096];

        @Setup
        public void setUp() {
            uri = upstreamUri();
            client = org.apache.http.impl.client.HttpClients.createDefault();
            handler = response -> {
                try (InputStream in = response.getEntity().getContent()) {
                    return response.getStatusLine().getStatusCode() + drain(in, buffer);
                }
            };
        }

        @TearDown
        public void tearDown() throws IOException {
            client.close();
        }
    }

    /** OkHttp, {@code new OkHttpClient()}. */
    @State(Scope.Benchmark)
    public static class OkHttp {
        OkHttpClient client;
        Request request;

        @Setup
        public void setUp() {
            client = new OkHttpClient();
            request = new Request.Builder().url(upstreamUri().toString()).build();
        }

        @TearDown
        public void tearDown() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static URI upstreamUri() {
        String port = System.getProperty("bench.upstream.port");
        if (port == null) {
            throw new IllegalStateException(
                    "bench.upstream.port is not set: run the benchmarks through BenchLauncher (benchmarks/run.sh)");
        }
        return URI.create("http://127.0.0.1:" + port + "/inventory/A-1");
    }

    /** Reads a body to its end into {@code buffer} and returns its length. */
    static int drain(InputStream in, byte[] buffer) throws IOException {
        int read = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            read += n;
        }
        return read;
    }
}
