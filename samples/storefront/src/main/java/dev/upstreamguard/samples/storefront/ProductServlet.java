package dev.upstreamguard.samples.storefront;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /product/{id}}: the stock from {@code inventory} ({@code HttpURLConnection}) and the
 * price from {@code pricing} ({@code java.net.http.HttpClient}), as one JSON object. No timeouts, no
 * retries: an upstream failure escapes as an exception.
 */
public class ProductServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    // One client for the application's life, as HttpClient is meant to be used.
    private transient HttpClient pricingClient;

    @Override
    public void init() {
        pricingClient =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = productId(request);
        if (id == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such product");
            return;
        }
        String stock = stock(id);
        String price = price(id);
        response.setContentType("application/json");
        response.getWriter().write("{\"id\":\"" + id + "\",\"stock\":" + stock + ",\"price\":" + price + "}");
    }

    private static String stock(String id) throws IOException {
        URI uri = Upstreams.inventory().resolve("/stock/" + id);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new UpstreamAnswerException("inventory", status);
            }
            try (InputStream in = connection.getInputStream()) {
                return quoted(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            connection.disconnect();
        }
    }

    private String price(String id) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(Upstreams.pricing().resolve("/price/" + id))
                .GET()
                .build();
        HttpResponse<String> answer;
        try {
            answer = pricingClient.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking pricing", e);
        }
        if (answer.statusCode() != 200) {
            throw new UpstreamAnswerException("pricing", answer.statusCode());
        }
        return quoted(answer.body());
    }

    /** The path's id when it is a plain product id, else null. */
    static String productId(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null || !path.matches("/[A-Za-z0-9-]{1,40}")) {
            return null;
        }
        return path.substring(1);
    }

    /** An upstream's plain-text answer as a JSON string. */
    static String quoted(String text) {
        return "\"" + text.trim().replaceAll("[^A-Za-z0-9 .,:_-]", "") + "\"";
    }
}
