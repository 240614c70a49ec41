package dev.upstreamguard.it.apps;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A tiny application for child-JVM tests: runs its arguments as steps, in order, with one JDK
 * {@code HttpClient}, printing one line per call ({@code status=200} or {@code error=ClassName}), then
 * {@code done}.
 *
 * <p>Steps: {@code N*URL} makes N GET calls to URL; {@code N*URL{i}} replaces {@code {i}} by the call's
 * index, so each call has its own URL; {@code sleep:MILLIS} waits.
 */
public final class StepsMain {

    private StepsMain() {}

    public static void main(String[] args) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String step : args) {
            if (step.startsWith("sleep:")) {
                Thread.sleep(Long.parseLong(step.substring("sleep:".length())));
                continue;
            }
            int star = step.indexOf('*');
            int count = Integer.parseInt(step.substring(0, star));
            String url = step.substring(star + 1);
            for (int i = 0; i < count; i++) {
                try {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url.replace("{i}", Integer.toString(i))))
                            .build();
                    System.out.println("status="
                            + http.send(request, HttpResponse.BodyHandlers.ofString())
                                    .statusCode());
                } catch (Exception e) {
                    System.out.println("error=" + e.getClass().getName());
                }
            }
        }
        System.out.println("done");
    }
}
