package dev.upstreamguard.agent.config;

import java.util.Locale;

/** Parses sizes written as {@code 1MiB}, {@code 512KiB}, {@code 1GiB} or a plain number of bytes. */
public final class Sizes {

    /** Returned for text that is not a size. */
    public static final long INVALID = -1;

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Sizes() {}

    /** The size in bytes, or {@link #INVALID}. Values that overflow are invalid. */
    public static long parseBytes(String text) {
        if (text == null) {
            return INVALID;
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
            digits++;
        }
        if (digits == 0 || digits > 12) {
            return INVALID;
        }
        long amount = Long.parseLong(s.substring(0, digits));
        switch (s.substring(digits).trim()) {
            case "":
            case "b":
                return amount;
            case "kib":
                return amount * KIB;
            case "mib":
                return amount * MIB;
            case "gib":
                return amount * GIB;
            default:
                return INVALID;
        }
    }

    /** Writes bytes back in the largest exact unit: {@code 1MiB}, {@code 512KiB}, {@code 1000}. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return Long.toString(bytes);
    }
}
