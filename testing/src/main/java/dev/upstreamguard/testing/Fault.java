package dev.upstreamguard.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link FaultyUpstream} does with one request, after reading it completely. Immutable and
 * thread-safe; build one with the static factories and refine it with {@link #withHeader} and
 * {@link #delayed}.
 *
 * <p>Responses carry {@code Content-Type: text/plain; charset=utf-8}, a {@code Content-Length}
 * and {@code Connection: keep-alive} (or {@code close} when the request asked for it), so pooling
 * clients reuse the connection. Faults that drop, hang or stall the connection end it.
 */
public final class Fault {

    enum Kind {
        RESPOND,
        RESET,
        CLOSE,
        HANG,
        STALL,
        DRIBBLE,
        RAW_THEN_HANG,
        RAW_THEN_CLOSE
    }

    final Kind kind;
    final int status;
    final String body;
    final List<Map.Entry<String, String>> headers;
    final Duration delay;
    final int declaredLength;
    final Duration perByte;

    private Fault(
            Kind kind,
            int status,
            String body,
            List<Map.Entry<String, String>> headers,
            Duration delay,
            int declaredLength,
            Duration perByte) {
        this.kind = kind;
        this.status = status;
        this.body = body;
        this.headers = List.copyOf(headers);
        this.delay = delay;
        this.declaredLength = declaredLength;
        this.perByte = perByte;
    }

    private static Fault of(Kind kind, int status, String body) {
        return new Fault(kind, status, body, List.of(), Duration.ZERO, -1, Duration.ZERO);
    }

    /** 200 with a {@code text/plain} body. */
    public static Fault ok(String body) {
        return status(200, body);
    }

    /** This status with its reason phrase (for example {@code Service Unavailable}) as the body. */
    public static Fault status(int code) {
        return status(code, reasonPhrase(code));
    }

    /** This status with this {@code text/plain} body. */
    public static Fault status(int code, String body) {
        checkStatus(code);
        return of(Kind.RESPOND, code, Objects.requireNonNull(body, "body"));
    }

    /** This status with a {@code Retry-After} header carrying the value as given. */
    public static Fault retryAfter(int code, String retryAfterValue) {
        return status(code).withHeader("Retry-After", retryAfterValue);
    }

    /** 200 {@code slow}, with the head written only after {@code d}. */
    public static Fault slowHead(Duration d) {
        return ok("slow").delayed(d);
    }

    /** Reads the request, then closes with {@code SO_LINGER} 0: the client gets a TCP RST. */
    public static Fault resetBeforeHead() {
        return of(Kind.RESET, 0, "");
    }

    /** Reads the request, then closes normally (FIN) without writing a byte. */
    public static Fault closeBeforeHead() {
        return of(Kind.CLOSE, 0, "");
    }

    /** Reads the request and never answers, until the upstream is closed. */
    public static Fault hangHead() {
        return of(Kind.HANG, 0, "");
    }

    /**
     * Writes {@code bytes} (ISO-8859-1) exactly as given, then hangs until the upstream is closed: for a
     * response head that starts and never finishes.
     */
    public static Fault rawThenHang(String bytes) {
        return of(Kind.RAW_THEN_HANG, 0, bytes);
    }

    /** Writes {@code bytes} (ISO-8859-1) exactly as given, then closes: for malformed responses. */
    public static Fault rawThenClose(String bytes) {
        return of(Kind.RAW_THEN_CLOSE, 0, bytes);
    }

    /**
     * Writes the head with {@code Content-Length: declaredLength}, then {@code firstChunk}, then
     * stalls until the upstream is closed.
     */
    public static Fault stallBody(int code, int declaredLength, String firstChunk) {
        checkStatus(code);
        int chunkLength = HttpMessages.bytes(firstChunk).length;
        if (declaredLength <= chunkLength) {
            throw new IllegalArgumentException("stallBody: declaredLength " + declaredLength
                    + " must exceed the first chunk's " + chunkLength + " bytes, or nothing stalls");
        }
        return new Fault(Kind.STALL, code, firstChunk, List.of(), Duration.ZERO, declaredLength, Duration.ZERO);
    }

    /** Writes the head, then the body one byte at a time with {@code perByte} between bytes. */
    public static Fault dribbleBody(int code, String body, Duration perByte) {
        checkStatus(code);
        checkNotNegative(perByte, "perByte");
        return new Fault(
                Kind.DRIBBLE, code, Objects.requireNonNull(body, "body"), List.of(), Duration.ZERO, -1, perByte);
    }

    /**
     * A copy with one more response header. A default header of the same name ({@code
     * Content-Type}, {@code Content-Length}, {@code Connection}) is replaced; {@code Connection:
     * close} also ends the connection after the response.
     */
    public Fault withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
        return new Fault(kind, status, body, more, delay, declaredLength, perByte);
    }

    /**
     * A copy that waits {@code d} after reading the request before doing anything else (writing the
     * head, resetting...). The wait ends early when the upstream is closed.
     */
    public Fault delayed(Duration d) {
        checkNotNegative(d, "delay");
        return new Fault(kind, status, body, headers, d, declaredLength, perByte);
    }

    /** Whether a {@code Connection: close} header was added, so the connection ends after it. */
    boolean closesConnection() {
        return headers.stream()
                .anyMatch(header -> header.getKey().equalsIgnoreCase("Connection")
                        && header.getValue().equalsIgnoreCase("close"));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(kind.name().toLowerCase(Locale.ROOT));
        if (status != 0) {
            text.append(' ').append(status);
        }
        if (!headers.isEmpty()) {
            text.append(' ').append(headers);
        }
        if (!delay.isZero()) {
            text.append(" after ").append(delay.toMillis()).append("ms");
        }
        return text.toString();
    }

    static String reasonPhrase(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + code;
        };
    }

    private static void checkStatus(int code) {
        if (code < 200 || code > 999) {
            throw new IllegalArgumentException("status " + code + " is not a final HTTP status (200-999)");
        }
    }

    private static void checkNotNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " " + d + " must be zero or positive");
        }
    }
}
