package dev.upstreamguard.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The shop as one of the storefront sample's backend services ({@code GET /price/{id}}, {@code GET
 * /stock/{id}}): it asks its own upstream, the warehouse ({@code -Dshop.warehouse.url}, an http URL on
 * 127.0.0.1), for the same path with {@link HttpURLConnection} and answers its body. So a request crosses
 * two guarded services: storefront, then this one, then the warehouse.
 */
public class BackendServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.matches("/(price|stock)/[A-Za-z0-9-]{1,40}")) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        HttpURLConnection connection =
                (HttpURLConnection) warehouse().resolve(path).toURL().openConnection();
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
        response.getWriter().write(body);
    }

    private static URI warehouse() {
        String value = System.getProperty("shop.warehouse.url");
        URI uri = value == null ? null : URI.create(value);
        if (uri == null || !"http".equals(uri.getScheme()) || !"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalStateException("shop.warehouse.url must be an http URL on 127.0.0.1");
        }
        return uri;
    }
}
