package dev.upstreamguard.filter;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Puts a {@link ProblemResponse} on a response that is not committed, in place of whatever the application
 * had set on it, except the security headers that earlier filters may have set ({@link #KEPT_HEADERS}, and
 * the CORS headers {@code Access-Control-*}). Stateless.
 */
final class ProblemResponseWriter {
    /**
     * Headers that survive {@code reset()}, besides {@code Access-Control-*}: security policies a filter in
     * front (Spring Security, a container's header filter) set for every answer, this one included.
     */
    static final Set<String> KEPT_HEADERS = keptHeaders(
            "Strict-Transport-Security",
            "Content-Security-Policy",
            "Content-Security-Policy-Report-Only",
            "X-Content-Type-Options",
            "X-Frame-Options",
            "Referrer-Policy",
            "Permissions-Policy",
            "Cross-Origin-Opener-Policy",
            "Cross-Origin-Embedder-Policy",
            "Cross-Origin-Resource-Policy");

    private ProblemResponseWriter() {}

    /**
     * @param html whether to answer with the HTML page rather than problem+json
     * @param traceResponse the W3C {@code traceresponse} header value, or {@code null}
     * @param retryAfterSeconds the {@code Retry-After} to send, or a negative number for none
     * @throws IllegalStateException if the response was committed in the meantime
     */
    static void write(
            ProblemResponse problem,
            HttpServletResponse response,
            boolean html,
            String traceResponse,
            long retryAfterSeconds)
            throws IOException {
        byte[] body = (html ? problem.toHtml() : problem.toJson()).getBytes(StandardCharsets.US_ASCII);
        Map<String, Collection<String>> kept = keptHeaders(response);
        response.reset();
        // Security policies still apply, and a browser must still be allowed to read a cross-origin answer.
        kept.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        response.setStatus(problem.status());
        response.setContentType(html ? ProblemResponse.HTML_CONTENT_TYPE : ProblemResponse.JSON_CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Vary", "Accept");
        if (traceResponse != null) {
            response.setHeader("traceresponse", traceResponse);
        }
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        response.setContentLength(body.length);
        try {
            OutputStream out = response.getOutputStream();
            out.write(body);
            out.flush();
        } catch (IllegalStateException writerInUse) {
            // A container that keeps the application's getWriter() choice across reset(): the body is ASCII anyway.
            PrintWriter writer = response.getWriter();
            writer.write(new String(body, StandardCharsets.US_ASCII));
            writer.flush();
        }
    }

    private static Map<String, Collection<String>> keptHeaders(HttpServletResponse response) {
        Map<String, Collection<String>> kept = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            if (name.regionMatches(true, 0, "Access-Control-", 0, "Access-Control-".length())
                    || KEPT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                kept.put(name, new ArrayList<>(response.getHeaders(name)));
            }
        }
        return kept;
    }

    private static Set<String> keptHeaders(String... names) {
        Set<String> lowerCase = new HashSet<>();
        for (String name : names) {
            lowerCase.add(name.toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(lowerCase);
    }
}
