package dev.upstreamguard.filter;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code Accept} request header (RFC 9110 section 12.5.1) just far enough to choose between the
 * problem+json body and the HTML page: HTML wins only when the client rates {@code text/html} strictly
 * higher than JSON, so {@code *}{@code /*}, a missing header or an unknown type get JSON.
 */
final class AcceptHeader {
    private final List<MediaRange> ranges;

    private AcceptHeader(List<MediaRange> ranges) {
        this.ranges = ranges;
    }

    /** @param values every {@code Accept} header of the request; may be null */
    static AcceptHeader parse(Enumeration<String> values) {
        List<MediaRange> ranges = new ArrayList<>();
        while (values != null && values.hasMoreElements()) {
            String value = values.nextElement();
            if (value == null) {
                continue;
            }
            for (String element : value.split(",")) {
                MediaRange range = MediaRange.parse(element);
                if (range != null) {
                    ranges.add(range);
                }
            }
        }
        return new AcceptHeader(ranges);
    }

    boolean prefersHtml() {
        double html = quality("text", "html");
        double json = Math.max(quality("application", "problem+json"), quality("application", "json"));
        return html > json;
    }

    /** The quality the client gives {@code type/subtype}: that of the most specific matching range, else 0. */
    double quality(String type, String subtype) {
        int bestSpecificity = -1;
        double quality = 0;
        for (MediaRange range : ranges) {
            int specificity = range.specificityFor(type, subtype);
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                quality = range.quality;
            }
        }
        return quality;
    }

    private static final class MediaRange {
        final String type;
        final String subtype;
        final double quality;

        MediaRange(String type, String subtype, double quality) {
            this.type = type;
            this.subtype = subtype;
            this.quality = quality;
        }

        /** @return null for a malformed element, which is ignored */
        static MediaRange parse(String element) {
            String[] parts = element.split(";");
            String mediaRange = parts[0].trim().toLowerCase(Locale.ROOT);
            int slash = mediaRange.indexOf('/');
            if (slash <= 0 || slash == mediaRange.length() - 1) {
                return null;
            }
            String type = mediaRange.substring(0, slash).trim();
            String subtype = mediaRange.substring(slash + 1).trim();
            if ("*".equals(type) && !"*".equals(subtype)) {
                return null;
            }
            double quality = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                int equals = parameter.indexOf('=');
                if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("q")) {
                    quality = parseQuality(parameter.substring(equals + 1).trim());
                    if (Double.isNaN(quality)) {
                        return null;
                    }
                }
            }
            return new MediaRange(type, subtype, quality);
        }

        private static double parseQuality(String value) {
            try {
                double q = Double.parseDouble(value);
                return q >= 0 && q <= 1 ? q : Double.NaN;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        /** 2 for an exact match, 1 for {@code type/*}, 0 for {@code *}{@code /*}, -1 for no match. */
        int specificityFor(String wantedType, String wantedSubtype) {
            if ("*".equals(type)) {
                return 0;
            }
            if (!type.equals(wantedType)) {
                return -1;
            }
            if ("*".equals(subtype)) {
                return 1;
            }
            return subtype.equals(wantedSubtype) ? 2 : -1;
        }
    }
}
