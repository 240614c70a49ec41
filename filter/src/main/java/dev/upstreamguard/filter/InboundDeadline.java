package dev.upstreamguard.filter;

import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The deadline a request arrives with: the smallest of the {@code request-timeout} init-param, the {@code
 * X-Request-Timeout-Ms} header (milliseconds) and the {@code grpc-timeout} header ({@code <1 to 8 digits><unit>},
 * unit {@code H}, {@code M}, {@code S}, {@code m}, {@code u} or {@code n}), all relative, so no clock skew.
 *
 * <p>A header value that is not exactly one well-formed positive value (negative, zero, not a number, more than 8
 * digits, an unknown unit, the header sent twice or as a list, more than {@link #MAX_NANOS}) is ignored as if it
 * were absent: no error, and one log line for the first one ever seen, not one per request (without the value,
 * which the caller controls). Thread-safe; stateless apart from that one line.
 */
final class InboundDeadline {
    static final String TIMEOUT_MS_HEADER = "X-Request-Timeout-Ms";
    static final String GRPC_TIMEOUT_HEADER = "grpc-timeout";
    /** No deadline. */
    static final long NONE = -1;
    /** A longer deadline than a day is not a deadline anyone means: it is ignored. */
    static final long MAX_NANOS = 24L * 60 * 60 * 1_000_000_000L;
    /** {@code grpc-timeout} allows at most 8 digits; the same bound holds for {@code X-Request-Timeout-Ms}. */
    private static final int MAX_DIGITS = 8;

    private static final Logger LOGGER = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private InboundDeadline() {}

    /**
     * The request's timeout in nanoseconds, or {@link #NONE}.
     *
     * @param configuredNanos the {@code request-timeout} init-param, or {@link #NONE}
     * @param timeoutMs the values of {@code X-Request-Timeout-Ms}, or null
     * @param grpcTimeout the values of {@code grpc-timeout}, or null
     */
    static long timeoutNanos(long configuredNanos, Enumeration<String> timeoutMs, Enumeration<String> grpcTimeout) {
        long nanos = configuredNanos;
        String ms = single(timeoutMs);
        if (ms != null) {
            nanos = smaller(nanos, millisHeader(ms));
        }
        String grpc = single(grpcTimeout);
        if (grpc != null) {
            nanos = smaller(nanos, grpcHeader(grpc));
        }
        return nanos;
    }

    private static long smaller(long current, long candidate) {
        if (candidate == NONE) {
            return current;
        }
        return current == NONE ? candidate : Math.min(current, candidate);
    }

    /** The one value of a header, or null when absent; a header sent twice counts as invalid (and is logged). */
    private static String single(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String first = values.nextElement();
        if (values.hasMoreElements()) {
            invalid();
            return null;
        }
        return first;
    }

    /** {@code X-Request-Timeout-Ms}: 1 to 8 digits, above zero; else {@link #NONE}. */
    static long millisHeader(String value) {
        String v = trim(value);
        long millis = digits(v, 0, v.length());
        if (millis <= 0) {
            invalid();
            return NONE;
        }
        return bounded(millis * 1_000_000L);
    }

    /** {@code grpc-timeout}: 1 to 8 digits and a unit, above zero; else {@link #NONE}. */
    static long grpcHeader(String value) {
        String v = trim(value);
        if (v.length() < 2) {
            invalid();
            return NONE;
        }
        long amount = digits(v, 0, v.length() - 1);
        long unitNanos = unitNanos(v.charAt(v.length() - 1));
        if (amount <= 0 || unitNanos <= 0) {
            invalid();
            return NONE;
        }
        if (amount > MAX_NANOS / unitNanos) { // 99999999H would overflow a long
            invalid();
            return NONE;
        }
        return bounded(amount * unitNanos);
    }

    private static long bounded(long nanos) {
        if (nanos > MAX_NANOS) {
            invalid();
            return NONE;
        }
        return nanos;
    }

    private static long unitNanos(char unit) {
        switch (unit) {
            case 'H':
                return 3_600_000_000_000L;
            case 'M':
                return 60_000_000_000L;
            case 'S':
                return 1_000_000_000L;
            case 'm':
                return 1_000_000L;
            case 'u':
                return 1_000L;
            case 'n':
                return 1L;
            default:
                return -1;
        }
    }

    /** The number written in {@code s[from, to)}: 1 to 8 ASCII digits; -1 otherwise. */
    private static long digits(String s, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_DIGITS) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Removes HTTP optional white space (spaces and tabs) around a value. */
    private static String trim(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    private static void invalid() {
        if (!LOGGED.get() && LOGGED.compareAndSet(false, true) && LOGGER.isLoggable(Level.INFO)) {
            LOGGER.info("Upstream Guard ignores invalid " + TIMEOUT_MS_HEADER + " and " + GRPC_TIMEOUT_HEADER
                    + " headers (expected one value each: 1 to 8 digits above zero, " + GRPC_TIMEOUT_HEADER
                    + " with a unit H, M, S, m, u or n, at most 24h); the request then has no deadline from that header."
                    + " Logged once.");
        }
    }

    /** Tests: the next invalid value is logged again. */
    static void forgetLogged() {
        LOGGED.set(false);
    }
}
