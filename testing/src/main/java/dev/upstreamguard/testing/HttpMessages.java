package dev.upstreamguard.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Just enough HTTP/1.1 message syntax (RFC 9112) for {@link FaultyUpstream}. */
final class HttpMessages {

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

    /** A request line and its headers. */
    static final class RequestHead {
        final String method;
        final String target;
        final String version;
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        RequestHead(String method, String target, String version) {
            this.method = method;
            this.target = target;
            this.version = version;
        }

        String first(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        boolean hasToken(String name, String token) {
            for (String value : headers.getOrDefault(name, List.of())) {
                for (String part : value.split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether the connection may carry another request after this one's response. */
        boolean keepAlive() {
            if (hasToken("Connection", "close")) {
                return false;
            }
            return !"HTTP/1.0".equals(version) || hasToken("Connection", "keep-alive");
        }
    }

    /** Thrown for bytes that are not an HTTP/1.x request; answered with 400. */
    static final class MalformedRequestException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(String message) {
            super(message);
        }
    }

    private HttpMessages() {}

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a request head, or returns null if the connection ended cleanly before one began. */
    static RequestHead readHead(InputStream in) throws IOException {
        String requestLine;
        do { // RFC 9112 2.2: ignore empty lines before the request line
            requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new MalformedRequestException("not an HTTP/1.x request line: " + requestLine);
        }
        RequestHead head = new RequestHead(parts[0], parts[1], parts[2]);
        for (int count = 0; ; count++) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection ended inside the request head");
            }
            if (line.isEmpty()) {
                return head;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || count >= MAX_HEADERS) {
                throw new MalformedRequestException("bad header line: " + line);
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            head.headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
    }

    /** Reads the body that follows {@code head}: chunked, by Content-Length, or none. */
    static byte[] readBody(InputStream in, RequestHead head) throws IOException {
        if (head.hasToken("Transfer-Encoding", "chunked")) {
            return readChunked(in);
        }
        String length = head.first("Content-Length");
        if (length == null) {
            return new byte[0];
        }
        int n;
        try {
            n = Integer.parseInt(length.trim());
        } catch (NumberFormatException e) {
            throw new MalformedRequestException("bad Content-Length: " + length);
        }
        if (n < 0) {
            throw new MalformedRequestException("bad Content-Length: " + length);
        }
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
            throw new EOFException("connection ended after " + body.length + " of " + n + " body bytes");
        }
        return body;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new EOFException("connection ended inside a chunked body");
            }
            int semicolon = sizeLine.indexOf(';'); // chunk extensions are ignored
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new MalformedRequestException("bad chunk size line: " + sizeLine);
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                } while (trailer != null && !trailer.isEmpty());
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("connection ended inside a chunk");
            }
            body.write(chunk);
            if (!"".equals(readLine(in))) {
                throw new MalformedRequestException("chunk not followed by CRLF");
            }
        }
    }

    /** A line ending in LF (a CR before it is dropped), or null at end of stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection ended inside a line");
            }
            if (line.size() >= MAX_LINE) {
                throw new MalformedRequestException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        byte[] raw = line.toByteArray();
        int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        return new String(raw, 0, length, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes a status line and headers: {@code Content-Type} and {@code Content-Length} (unless the
     * status has no body), the extra headers (replacing defaults of the same name), {@code
     * Connection}.
     */
    static void writeHead(
            OutputStream out, int status, long contentLength, List<Map.Entry<String, String>> extra, boolean keepAlive)
            throws IOException {
        Map<String, String> defaults = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (status != 204 && status != 304) {
            defaults.put("Content-Type", "text/plain; charset=utf-8");
            defaults.put("Content-Length", Long.toString(contentLength));
        }
        defaults.put("Connection", keepAlive ? "keep-alive" : "close");
        for (Map.Entry<String, String> header : extra) {
            defaults.remove(header.getKey());
        }
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ")
                .append(status)
                .append(' ')
                .append(Fault.reasonPhrase(status))
                .append("\r\n");
        defaults.forEach((name, value) -> appendHeader(head, name, value));
        extra.forEach(header -> appendHeader(head, header.getKey(), header.getValue()));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void appendHeader(StringBuilder head, String name, String value) {
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /** Whether a response to this request with this status carries no body (RFC 9110 6.4.1). */
    static boolean bodyless(String method, int status) {
        return "HEAD".equals(method.toUpperCase(Locale.ROOT)) || status == 204 || status == 304;
    }
}
