package dev.upstreamguard.bootstrap;

/**
 * The W3C Trace Context {@code traceparent} header ({@code version-traceid-parentid-flags}), written and read
 * in this one place: the agent writes it for each attempt and for the server spans it makes, the servlet
 * filter for the span it shares with the agent and for its {@code traceresponse} (same format).
 *
 * <p>JDK types only: the filter compiles this same source into its own jar (its build copies it from the
 * agent). Stateless and thread-safe.
 */
public final class TraceParent {

    /** The length of a version {@code 00} header. */
    public static final int LENGTH = 55;

    private TraceParent() {}

    /**
     * A version {@code 00} header.
     *
     * @param traceId 32 lower-case hex digits
     * @param spanId  16 lower-case hex digits
     * @param flags   2 lower-case hex digits
     */
    public static String format(String traceId, String spanId, String flags) {
        return new StringBuilder(LENGTH)
                .append("00-")
                .append(traceId)
                .append('-')
                .append(spanId)
                .append('-')
                .append(flags)
                .toString();
    }

    /**
     * The trace id of a valid header, or null: lower-case hex, version not {@code ff} (a version {@code 00}
     * header is exactly 55 characters, a later version may carry more after a {@code -}), trace id and
     * parent id not all zeros.
     */
    public static String traceId(String header) {
        return isValid(header) ? header.substring(3, 35) : null;
    }

    /** The parent (span) id of a valid header, or null. */
    public static String spanId(String header) {
        return isValid(header) ? header.substring(36, 52) : null;
    }

    /** The trace flags (2 hex digits) of a valid header, or null. */
    public static String flags(String header) {
        return isValid(header) ? header.substring(53, 55) : null;
    }

    private static boolean isValid(String header) {
        if (header == null || header.length() < LENGTH) {
            return false;
        }
        boolean version00 = header.startsWith("00");
        if (!isHex(header, 0, 2)
                || header.startsWith("ff")
                || (version00 ? header.length() != LENGTH : header.length() > LENGTH && header.charAt(LENGTH) != '-')) {
            return false;
        }
        if (header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-') {
            return false;
        }
        return isHex(header, 3, 35)
                && isHex(header, 36, 52)
                && isHex(header, 53, LENGTH)
                && !isZeros(header, 3, 35)
                && !isZeros(header, 36, 52);
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
