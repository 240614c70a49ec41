package dev.upstreamguard.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls the upstream with {@link HttpClient#send} and answers with its body. */
public class HttpClientServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpResponse<String> answer;
        try {
            answer = CLIENT.send(
                    HttpRequest.newBuilder(UpstreamTarget.of(request)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling the upstream");
        }
        if (answer.statusCode() >= 500) {
            throw new UpstreamStatusException(answer.statusCode());
        }
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write("upstream answered " + answer.statusCode() + ": " + answer.body());
    }
}
