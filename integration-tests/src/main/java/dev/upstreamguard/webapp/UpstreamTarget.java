package dev.upstreamguard.webapp;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;

/**
 * The upstream a request asks a servlet to call: the {@code upstream} request parameter, an {@code http}
 * URL on the loopback interface only, so the sample cannot be turned into a proxy to anywhere else.
 */
final class UpstreamTarget {
    private UpstreamTarget() {}

    static URI of(HttpServletRequest request) {
        String value = request.getParameter("upstream");
        if (value == null) {
            throw new IllegalArgumentException(
                    "missing request parameter upstream (an http URL on 127.0.0.1 or localhost)");
        }
        URI uri = URI.create(value);
        String host = uri.getHost();
        if (!"http".equals(uri.getScheme()) || !("127.0.0.1".equals(host) || "localhost".equals(host))) {
            throw new IllegalArgumentException("upstream must be an http URL on 127.0.0.1 or localhost");
        }
        return uri;
    }
}
