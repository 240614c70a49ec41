package dev.upstreamguard.charts;

import java.awt.Color;
import java.util.Locale;

/**
 * The colour of a series, by its name, the same in every chart: Upstream Guard blue, no agent (or
 * without Upstream Guard) grey, the OpenTelemetry agent orange; other names by their place in their
 * chart, from a colour-blind-safe set.
 */
public final class Palette {

    /** The series names the project's charts share. */
    public static final String WITHOUT = "without Upstream Guard";

    public static final String WITH = "with Upstream Guard";
    public static final String NO_AGENT = "no agent";
    public static final String UPSTREAM_GUARD = "Upstream Guard";
    public static final String OPENTELEMETRY = "OpenTelemetry agent";

    static final Color BLUE = new Color(0x1F, 0x6F, 0xB4);
    static final Color GREY = new Color(0x9A, 0x9A, 0x9A);
    static final Color ORANGE = new Color(0xE6, 0x7E, 0x22);
    // Okabe-Ito, less the colours above
    private static final Color[] OTHERS = {
        new Color(0x00, 0x9E, 0x73), new Color(0xD5, 0x5E, 0x00), new Color(0x56, 0xB4, 0xE9),
        new Color(0xCC, 0x79, 0xA7), new Color(0x00, 0x72, 0xB2), new Color(0xE6, 0x9F, 0x00),
    };

    private Palette() {}

    /** The colour of series {@code name}, the {@code index}-th of its chart. */
    public static Color of(String name, int index) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals(WITH.toLowerCase(Locale.ROOT)) || key.equals(UPSTREAM_GUARD.toLowerCase(Locale.ROOT))) {
            return BLUE;
        }
        if (key.equals(WITHOUT.toLowerCase(Locale.ROOT)) || key.equals(NO_AGENT)) {
            return GREY;
        }
        if (key.equals(OPENTELEMETRY.toLowerCase(Locale.ROOT))) {
            return ORANGE;
        }
        return OTHERS[Math.floorMod(index, OTHERS.length)];
    }
}
