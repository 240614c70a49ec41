package dev.upstreamguard.agent.config;

/** Parses durations written as {@code 250ms}, {@code 2s}, {@code 1m} or {@code 1h}. */
public final class Durations {

    /** Returned for text that is not a duration. */
    public static final long INVALID = -1;

    private Durations() {}

    /** The duration in milliseconds, or {@link #INVALID}. Values that overflow are invalid. */
    public static long parseMillis(String text) {
        if (text == null) {
            return INVALID;
        }
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
            digits++;
        }
        if (digits == 0 || digits > 12) {
            return INVALID;
        }
        long amount = Long.parseLong(s.substring(0, digits));
        switch (s.substring(digits).trim()) {
            case "ms":
                return amount;
            case "s":
                return amount * 1_000L;
            case "m":
                return amount * 60_000L;
            case "h":
                return amount * 3_600_000L;
            default:
                return INVALID;
        }
    }

    /** Writes milliseconds back in the shortest exact unit: {@code 1500ms}, {@code 2s}, {@code 1m}. */
    public static String format(long millis) {
        if (millis != 0 && millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis != 0 && millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis != 0 && millis % 1_000L == 0) {
            return millis / 1_000L + "s";
        }
        return millis + "ms";
    }
}
