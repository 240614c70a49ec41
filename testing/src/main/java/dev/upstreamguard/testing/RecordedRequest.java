package dev.upstreamguard.testing;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request as {@link FaultyUpstream} read it. Immutable.
 *
 * @param method the request method, as sent
 * @param path the request target, as sent (path and query)
 * @param headers the request headers, keyed case-insensitively, values in arrival order
 * @param body the request body, de-chunked; empty when there was none
 * @param connectionId which connection carried it: requests on one kept-alive connection share
 *     the id; ids start at 1 and are never reused by one upstream
 */
public record RecordedRequest(
        String method, String path, Map<String, List<String>> headers, byte[] body, int connectionId) {

    /** Copies the headers into an unmodifiable case-insensitive map and the body into a new array. */
    public RecordedRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body.clone();
    }

    /** The first value of this header (any case), or null when the request did not carry it. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A copy of the body bytes. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public String toString() {
        return method + " " + path + " (connection " + connectionId + ", " + body.length + " body bytes) " + headers;
    }
}
