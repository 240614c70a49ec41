package dev.upstreamguard.it.apps;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A tiny application for child-JVM tests: makes {@code count} GET calls to a URL with one client and
 * prints one line per call ({@code status=200} or {@code error=java.net.ConnectException}), then
 * {@code done in Nms}.
 *
 * <p>Arguments: {@code jdk|urlconnection URL [count]}.
 */
public final class CallMain {

    private CallMain() {}

    public static void main(String[] args) throws Exception {
        String client = args[0];
        String url = args[1];
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        HttpClient http = client.equals("jdk") ? HttpClient.newHttpClient() : null;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try {
                int status;
                if (http != null) {
                    status = http.send(
                                    HttpRequest.newBuilder(URI.create(url)).build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                } else {
                    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                    status = c.getResponseCode();
                    c.disconnect();
                }
                System.out.println("status=" + status);
            } catch (Exception e) {
                System.out.println("error=" + e.getClass().getName());
            }
        }
        System.out.println("done in " + (System.nanoTime() - start) / 1_000_000 + "ms");
    }
}
