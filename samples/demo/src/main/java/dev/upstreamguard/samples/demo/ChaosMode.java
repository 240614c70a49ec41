package dev.upstreamguard.samples.demo;

import java.util.Locale;

/** What a {@link ChaosUpstream} does with the requests it gets. */
public enum ChaosMode {
    /** Answers 200 at once. */
    HEALTHY("answers 200 at once"),
    /** A share of 503s and connection resets, the rest 200 (see {@link ChaosUpstream}). */
    FLAKY("30% answer 503, 10% get a connection reset, the rest 200"),
    /** Every response head comes after {@link ChaosUpstream#SLOW_HEAD}. */
    SLOW("every answer takes 3 s"),
    /** The listener is closed: connections are refused. */
    DOWN("refuses connections");

    private final String description;

    ChaosMode(String description) {
        this.description = description;
    }

    /** What the mode does, in a few words. */
    public String description() {
        return description;
    }

    /** {@code healthy}, {@code flaky}, {@code slow}, {@code down}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of this label, ignoring case. */
    public static ChaosMode of(String label) {
        for (ChaosMode mode : values()) {
            if (mode.label().equalsIgnoreCase(label.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "\"" + label + "\" is not a chaos mode (expected healthy, flaky, slow or down)");
    }
}
