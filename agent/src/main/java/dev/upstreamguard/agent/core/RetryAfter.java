package dev.upstreamguard.agent.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a {@code Retry-After} value (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date in any
 * of its three formats.
 */
public final class RetryAfter {

    /** Returned for a value that is absent or cannot be understood; it is then ignored. */
    public static final long INVALID = -1;

    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    private static final String TIME = "(\\d{2}:\\d{2}:\\d{2})";
    private static final Pattern IMF_FIXDATE =
            Pattern.compile("[A-Za-z]{3}, (\\d{1,2}) ([A-Za-z]{3}) (\\d{4}) " + TIME + " GMT");
    private static final Pattern RFC_850 =
            Pattern.compile("[A-Za-z]{6,9}, (\\d{2})-([A-Za-z]{3})-(\\d{2}) " + TIME + " GMT");
    private static final Pattern ASCTIME =
            Pattern.compile("[A-Za-z]{3} ([A-Za-z]{3}) ([ \\d]\\d) " + TIME + " (\\d{4})");

    private RetryAfter() {}

    /**
     * The wait the server asks for in milliseconds, {@code 0} for a date in the past, or
     * {@link #INVALID}. Values beyond {@code Long.MAX_VALUE / 1000} seconds are clamped.
     */
    public static long parseMillis(String value, long nowEpochMillis) {
        if (value == null) {
            return INVALID;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 64) {
            return INVALID;
        }
        if (isDigits(v)) {
            if (v.length() > 15) {
                return Long.MAX_VALUE;
            }
            return Long.parseLong(v) * 1000L;
        }
        long at = parseDate(v, nowEpochMillis);
        if (at == INVALID) {
            return INVALID;
        }
        return Math.max(0, at - nowEpochMillis);
    }

    /**
     * The three HTTP-date formats, read without checking the day-of-week name (a wrong one does not
     * make the date unusable): IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT}, RFC 850
     * {@code Sunday, 06-Nov-94 08:49:37 GMT} and asctime {@code Sun Nov  6 08:49:37 1994}.
     */
    private static long parseDate(String v, long nowEpochMillis) {
        Matcher m = IMF_FIXDATE.matcher(v);
        if (m.matches()) {
            return epochMillis(m.group(3), m.group(2), m.group(1), m.group(4));
        }
        m = RFC_850.matcher(v);
        if (m.matches()) {
            // RFC 9110: a two-digit year more than 50 years ahead is the latest past year with those digits.
            int currentYear =
                    Instant.ofEpochMilli(nowEpochMillis).atZone(ZoneOffset.UTC).getYear();
            int year = currentYear / 100 * 100 + Integer.parseInt(m.group(3));
            if (year > currentYear + 50) {
                year -= 100;
            }
            return epochMillis(Integer.toString(year), m.group(2), m.group(1), m.group(4));
        }
        m = ASCTIME.matcher(v);
        if (m.matches()) {
            return epochMillis(m.group(4), m.group(1), m.group(2).trim(), m.group(3));
        }
        return INVALID;
    }

    private static long epochMillis(String year, String month, String day, String time) {
        int monthIndex = MONTHS.indexOf(month.toLowerCase(Locale.ROOT));
        if (monthIndex < 0 || monthIndex % 3 != 0) {
            return INVALID;
        }
        try {
            LocalDateTime t = LocalDateTime.of(
                    Integer.parseInt(year),
                    monthIndex / 3 + 1,
                    Integer.parseInt(day),
                    Integer.parseInt(time.substring(0, 2)),
                    Integer.parseInt(time.substring(3, 5)),
                    Integer.parseInt(time.substring(6, 8)));
            return t.toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            return INVALID;
        }
    }

    private static boolean isDigits(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
