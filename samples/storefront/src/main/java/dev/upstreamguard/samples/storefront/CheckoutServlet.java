package dev.upstreamguard.samples.storefront;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /checkout}: charges the order through {@code payments} with a {@code POST}. A payment
 * is not idempotent, so the agent sends it at most once unless the connection was never made.
 */
public class CheckoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient HttpClient paymentsClient;

    @Override
    public void init() {
        paymentsClient =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String order = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        HttpRequest charge = HttpRequest.newBuilder(Upstreams.payments().resolve("/charges"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(order.isBlank() ? "{}" : order))
                .build();
        HttpResponse<String> answer;
        try {
            answer = paymentsClient.send(charge, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking payments", e);
        }
        if (answer.statusCode() / 100 != 2) {
            throw new UpstreamAnswerException("payments", answer.statusCode());
        }
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setContentType("application/json");
        response.getWriter().write("{\"payment\":" + ProductServlet.quoted(answer.body()) + "}");
    }
}
