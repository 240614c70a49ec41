package dev.upstreamguard.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The failure path, in one JVM per variant: how long a GET to a refused 127.0.0.1 port takes to give
 * control back to the application (with Upstream Guard: its retries and backoff included), first while
 * the dependency's retry budget is intact (each call goes to a fresh port, so to a fresh dependency),
 * then for a dead dependency whose retry budget has been spent by earlier failing calls.
 *
 * <p>Prints, per client, {@code CLIENT.refused_ms=} and {@code CLIENT.spent_ms=}: the medians of this
 * JVM's calls, under the names of the {@link ClientCallBenchmark} methods. Every loop is bounded.
 */
public final class FailureProbe {

    private FailureProbe() {}

    interface Call {
        void get(URI uri) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int fresh = Integer.getInteger("bench.failure.fresh", 10);
        int prime = Integer.getInteger("bench.failure.prime", 80);
        int spent = Integer.getInteger("bench.failure.spent", 50);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Call urlConnection = uri -> {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.getResponseCode();
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
        };
        Call httpClient =
                uri -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
        CloseableHttpClient apache5 = HttpClients.createDefault();
        Call apacheHttpClient5 = uri -> apache5.execute(new HttpGet(uri), response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
        org.apache.http.impl.client.CloseableHttpClient apache4 =
                org.apache.http.impl.client.HttpClients.createDefault();
        Call apacheHttpClient4 = uri -> apache4.execute(new org.apache.http.client.methods.HttpGet(uri), response -> {
            org.apache.http.util.EntityUtils.consume(response.getEntity());
            return response.getStatusLine().getStatusCode();
        });
        OkHttpClient okHttpClient = new OkHttpClient();
        Call okHttp = uri -> {
            try (Response response = okHttpClient
                    .newCall(new Request.Builder().url(uri.toString()).build())
                    .execute()) {
                response.body().bytes();
            }
        };
        run("httpUrlConnection", urlConnection, fresh, prime, spent);
        run("httpClientSend", httpClient, fresh, prime, spent);
        run("apacheHttpClient5", apacheHttpClient5, fresh, prime, spent);
        run("apacheHttpClient4", apacheHttpClient4, fresh, prime, spent);
        run("okHttp", okHttp, fresh, prime, spent);
        System.exit(0);
    }

    private static void run(String name, Call call, int fresh, int prime, int spent) throws IOException {
        // warm the client's classes on the same path, on a port of its own
        timeRefused(call, refusedUri(), 3);

        double[] freshMs = new double[fresh];
        for (int i = 0; i < fresh; i++) {
            freshMs[i] = timeRefused(call, refusedUri(), 1);
        }
        URI dead = refusedUri();
        timeRefused(call, dead, prime); // spends the dead dependency's retry budget
        double[] spentMs = new double[spent];
        for (int i = 0; i < spent; i++) {
            spentMs[i] = timeRefused(call, dead, 1);
        }
        System.out.println(name + ".refused_ms=" + median(freshMs));
        System.out.println(name + ".spent_ms=" + median(spentMs));
    }

    /** Makes {@code n} calls that must fail, and returns the mean time of one in milliseconds. */
    private static double timeRefused(Call call, URI uri, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try {
                call.get(uri);
                throw new IllegalStateException(uri + " answered; expected a refused connection");
            } catch (IllegalStateException e) {
                throw e;
            } catch (Exception expected) {
                // connection refused, as intended
            }
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    /** A 127.0.0.1 URI whose port was just free: nothing listens there, so a connect is refused. */
    private static URI refusedUri() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port + "/inventory");
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
