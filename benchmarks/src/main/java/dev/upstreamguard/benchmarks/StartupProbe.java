package dev.upstreamguard.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trivial application for the start-up and memory figures. Its first line prints {@code
 * System.nanoTime()} (on Linux {@code CLOCK_MONOTONIC}, shared by every process, so the launcher can
 * subtract the instant it started this JVM); it then makes one call with each guarded client ({@code
 * HttpURLConnection}, {@code HttpClient.send}, Apache HttpClient 5 and 4, OkHttp), as an application
 * does soon after start-up (the agents transform the client classes when they load), waits
 * for background start-up work to settle, and prints its resident set size from {@code
 * /proc/self/status}.
 */
public final class StartupProbe {

    private StartupProbe() {}

    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        System.out.println("main_ns=" + mainNanos);

        URI uri = URI.create("http://127.0.0.1:" + Integer.getInteger("bench.upstream.port") + "/startup");
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        int status = connection.getResponseCode();
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        }
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> response =
                client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        int apache5;
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient apache =
                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
            apache5 = apache.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(uri), r -> {
                try (InputStream in = r.getEntity().getContent()) {
                    in.readAllBytes();
                }
                return r.getCode();
            });
        }
        int apache4;
        try (org.apache.http.impl.client.CloseableHttpClient apache =
                org.apache.http.impl.client.HttpClients.createDefault()) {
            apache4 = apache.execute(new org.apache.http.client.methods.HttpGet(uri), r -> {
                try (InputStream in = r.getEntity().getContent()) {
                    in.readAllBytes();
                }
                return r.getStatusLine().getStatusCode();
            });
        }
        okhttp3.OkHttpClient okHttp = new okhttp3.OkHttpClient();
        int ok;
        try (okhttp3.Response r = okHttp.newCall(
                        new okhttp3.Request.Builder().url(uri.toString()).build())
                .execute()) {
            r.body().bytes();
            ok = r.code();
        }
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        long firstCallsNanos = System.nanoTime();
        System.out.println("first_calls_ns=" + (firstCallsNanos - mainNanos) + " status=" + status + "/"
                + response.statusCode() + "/" + apache5 + "/" + apache4 + "/" + ok);

        Thread.sleep(Long.getLong("bench.settle.ms", 500));
        System.out.println("rss_kb=" + residentKb());
        System.exit(0);
    }

    static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
