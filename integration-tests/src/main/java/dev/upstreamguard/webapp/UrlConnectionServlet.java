package dev.upstreamguard.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;

/** Calls the upstream with {@link HttpURLConnection} and answers with its body. */
public class UrlConnectionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) UpstreamTarget.of(request).toURL().openConnection();
        int status = connection.getResponseCode();
        if (status >= 500) {
            try (InputStream error = connection.getErrorStream()) {
                if (error != null) {
                    error.readAllBytes();
                }
            }
            throw new UpstreamStatusException(status);
        }
        String body;
        try (InputStream in = connection.getInputStream()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write("upstream answered " + status + ": " + body);
    }
}
