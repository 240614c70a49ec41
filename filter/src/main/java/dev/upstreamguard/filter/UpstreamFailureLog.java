package dev.upstreamguard.filter;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one log line per upstream failure, through {@code java.util.logging} so that the filter imposes no
 * logging library. Anything that may come from a request or a remote party is stripped of control
 * characters (CR, LF and the rest) and shortened, so a line can never be split or forged.
 */
final class UpstreamFailureLog {
    static final String LOGGER_NAME = UpstreamGuardFilter.class.getName();
    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);
    private static final int MAX_VALUE_LENGTH = 200;

    private UpstreamFailureLog() {}

    /**
     * @param responseStatus the status answered, or {@code 0} when the response was already committed
     */
    static void log(
            UpstreamFailure failure,
            Throwable exception,
            String method,
            String path,
            String traceId,
            int responseStatus) {
        if (!LOGGER.isLoggable(Level.WARNING)) {
            return;
        }
        StringBuilder line = new StringBuilder(256)
                .append("Upstream failure: ")
                .append(failure.kind().value())
                .append(" dependency=")
                .append(orUnknown(failure.dependency()));
        if (failure.address() != null) {
            line.append(" address=").append(clean(failure.address()));
        }
        if (failure.attempts() > 0) {
            line.append(" attempts=").append(failure.attempts());
        }
        String exceptionType = failure.exceptionType() != null
                ? failure.exceptionType()
                : exception == null ? null : exception.getClass().getName();
        if (exceptionType != null) {
            line.append(" exception=").append(clean(exceptionType));
        }
        line.append(" request=\"")
                .append(clean(method))
                .append(' ')
                .append(clean(path))
                .append('"');
        line.append(" traceId=").append(traceId == null ? "none" : traceId);
        line.append(
                responseStatus > 0
                        ? " answered=" + responseStatus
                        : " answered=unchanged (response already committed)");
        LOGGER.log(Level.WARNING, line.toString());
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : clean(value);
    }

    /** Replaces every control character with '?' and cuts the value to a bounded length. */
    static String clean(String value) {
        if (value == null) {
            return "";
        }
        int length = Math.min(value.length(), MAX_VALUE_LENGTH);
        StringBuilder out = new StringBuilder(length + 3);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            out.append("...");
        }
        return out.toString();
    }
}
