package dev.upstreamguard.agent.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What may be retried: failure kinds and response status codes. Immutable and thread-safe.
 */
public final class RetryOn {

    private static final int MAX_STATUS = 599;

    private final Set<FailureKind> kinds;
    private final boolean[] statuses;

    private RetryOn(Set<FailureKind> kinds, boolean[] statuses) {
        this.kinds = kinds;
        this.statuses = statuses;
    }

    /** The default: {@code connect-failure,reset,timeout,502,503,504}. */
    public static RetryOn defaults() {
        return parse("connect-failure,reset,timeout,502,503,504");
    }

    /**
     * Parses a comma-separated list of kinds ({@code connect-failure}, {@code dns-failure},
     * {@code reset}, {@code timeout}) and status codes (100-599).
     *
     * @throws IllegalArgumentException naming the first element that is neither
     */
    public static RetryOn parse(String text) {
        EnumSet<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
        boolean[] statuses = new boolean[MAX_STATUS + 1];
        for (String raw : text.split(",")) {
            String item = raw.trim().toLowerCase(java.util.Locale.ROOT);
            if (item.isEmpty()) {
                continue;
            }
            FailureKind kind = FailureKind.fromLabel(item);
            if (kind != null && kind.ofAttempt()) {
                kinds.add(kind);
                continue;
            }
            int status = parseStatus(item);
            if (status < 0) {
                throw new IllegalArgumentException("\"" + item + "\" is neither a failure kind"
                        + " (connect-failure, dns-failure, reset, timeout) nor a status code (100-599)");
            }
            statuses[status] = true;
        }
        return new RetryOn(kinds, statuses);
    }

    private static int parseStatus(String item) {
        if (item.length() != 3) {
            return -1;
        }
        for (int i = 0; i < 3; i++) {
            if (!Character.isDigit(item.charAt(i))) {
                return -1;
            }
        }
        int status = Integer.parseInt(item);
        return status >= 100 && status <= MAX_STATUS ? status : -1;
    }

    public boolean kind(FailureKind kind) {
        return kinds.contains(kind);
    }

    public boolean status(int status) {
        return status >= 0 && status <= MAX_STATUS && statuses[status];
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (FailureKind kind : kinds) {
            parts.add(kind.label());
        }
        for (int s = 0; s <= MAX_STATUS; s++) {
            if (statuses[s]) {
                parts.add(Integer.toString(s));
            }
        }
        return String.join(",", parts);
    }
}
