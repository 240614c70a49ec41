package dev.upstreamguard.containers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the shop answered to one request, with the members of its problem+json body. The body is flat JSON
 * written by the filter, so a member is read with a pattern rather than a JSON library.
 */
record Answer(int status, String contentType, String traceresponse, String body) {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /** GET {@code base + path?upstream=upstream}, with an incoming {@code traceparent} when not null. */
    static Answer get(Shop shop, String path, String upstream, String traceparent) {
        String query = upstream == null ? "" : "?upstream=" + URLEncoder.encode(upstream, StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(shop.base() + path + query))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("traceresponse").orElse(null),
                    response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e + "\n" + shop.output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** A string member of the JSON body, or null. */
    String member(String name) {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(body);
        return m.find() ? m.group(1) : null;
    }

    /** A number member of the JSON body, or null. */
    Integer number(String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\\d+)").matcher(body);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    @Override
    public String toString() {
        return status + " " + contentType + " traceresponse=" + traceresponse + " " + body;
    }
}
