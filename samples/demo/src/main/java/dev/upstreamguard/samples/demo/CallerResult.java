package dev.upstreamguard.samples.demo;

/**
 * What one caller of the storefront saw.
 *
 * @param status the HTTP status, or 0 when there was no answer (see {@code failure})
 * @param failure {@code "timeout"} when the caller gave up, {@code "error"} when the connection
 *     failed, or {@code ""} when a status came
 * @param millis from sending the request to the end of the answer (or giving up)
 * @param contentType the answer's {@code Content-Type}, {@code ""} when none
 * @param body the answer's body, {@code ""} when none
 */
public record CallerResult(int status, String failure, long millis, String contentType, String body) {

    /** A 2xx answer. */
    public boolean success() {
        return status >= 200 && status < 300;
    }

    /** {@code "200"}, {@code "502"}, or {@code "timeout"} / {@code "error"}. */
    public String outcome() {
        return status == 0 ? failure : Integer.toString(status);
    }

    /** A clean problem+json answer of Upstream Guard's filter. */
    public boolean problemJson() {
        return contentType.startsWith("application/problem+json");
    }

    /** The {@code traceId} member of a problem+json body, or null. */
    public String traceId() {
        int at = body.indexOf("\"traceId\":\"");
        if (!problemJson() || at < 0) {
            return null;
        }
        int start = at + "\"traceId\":\"".length();
        int end = body.indexOf('"', start);
        return end == start + 32 ? body.substring(start, end) : null;
    }
}
