package dev.upstreamguard.filter;

import java.util.regex.Pattern;

/**
 * Answers carry a random 32-hex-digit trace id, which now and then contains a digit string a test
 * forbids (a port such as {@code 5432} or {@code 8080}). Tests that check an answer never leaks such a
 * string check it with the trace ids masked.
 */
final class TraceIds {
    private static final Pattern TRACE_ID = Pattern.compile("(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])");

    private TraceIds() {}

    /** The body with every 32-hex-digit trace id replaced by {@code <trace-id>}. */
    static String masked(String body) {
        return TRACE_ID.matcher(body).replaceAll("<trace-id>");
    }
}
