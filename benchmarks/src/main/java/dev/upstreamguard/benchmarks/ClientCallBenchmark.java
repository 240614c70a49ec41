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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One successful GET per operation against the loopback upstream, through each guarded client, with the
 * body read to the end and the connection returned to the client's pool, as an application does.
 *
 * <p>Run by {@link BenchLauncher}, which starts the upstream in its own JVM (no agent) and passes its
 * port as {@code bench.upstream.port} to forks that differ only in their {@code -javaagent}. A new
 * client is one more {@code @Benchmark} method here.
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
        String port = System.getProperty("bench.upstream.port");
        if (port == null) {
            throw new IllegalStateException(
                    "bench.upstream.port is not set: run the benchmarks through BenchLauncher (benchmarks/run.sh)");
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/inventory/A-1");
        try {
            url = uri.toURL();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        request = HttpRequest.newBuilder(uri).GET().build();
    }

    @Benchmark
    public int httpUrlConnection() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        int status = connection.getResponseCode();
        int read = 0;
        try (InputStream in = connection.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read += n;
            }
        }
        return status + read;
    }

    @Benchmark
    public int httpClientSend() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = httpClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() + response.body().length;
    }

    @Benchmark
    public int httpClientSendAsync() {
        HttpResponse<byte[]> response =
                httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).join();
        return response.statusCode() + response.body().length;
    }
}
