package dev.upstreamguard.filter;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The filter's init-params, parsed and validated once. Immutable and thread-safe.
 *
 * <p>An absent init-param takes its default. Any invalid or unknown init-param is an error whose message
 * names the parameter, the value and what was expected.
 */
final class FilterSettings {
    static final String FAILURE_STATUS = "failure-status";
    static final String TIMEOUT_STATUS = "timeout-status";
    static final String EXPOSE_DEPENDENCY = "expose-dependency";
    static final String UPSTREAM_EXCEPTIONS = "upstream-exceptions";
    static final String UNAVAILABLE_STATUS = "unavailable-status";
    static final String HEALTH_PATH = "health-path";
    static final String HEALTH_DOWN_STATUS = "health-down-status";
    static final String REQUEST_TIMEOUT = "request-timeout";

    static final List<String> NAMES = List.of(
            FAILURE_STATUS,
            TIMEOUT_STATUS,
            EXPOSE_DEPENDENCY,
            UPSTREAM_EXCEPTIONS,
            UNAVAILABLE_STATUS,
            HEALTH_PATH,
            HEALTH_DOWN_STATUS,
            REQUEST_TIMEOUT);

    private static final FilterSettings DEFAULTS = new FilterSettings(502, 504, ExposeDependency.NAME, Set.of(), 503);

    private final int failureStatus;
    private final int timeoutStatus;
    private final ExposeDependency exposeDependency;
    private final Set<String> upstreamExceptions;
    private final int unavailableStatus;
    /** The path the health endpoint answers, or null (off). */
    private String healthPath;

    private int healthDownStatus = 200;
    /** The deadline every request gets, in nanoseconds, or {@link InboundDeadline#NONE}. */
    private long requestTimeoutNanos = InboundDeadline.NONE;

    private FilterSettings(
            int failureStatus,
            int timeoutStatus,
            ExposeDependency exposeDependency,
            Set<String> upstreamExceptions,
            int unavailableStatus) {
        this.unavailableStatus = unavailableStatus;
        this.failureStatus = failureStatus;
        this.timeoutStatus = timeoutStatus;
        this.exposeDependency = exposeDependency;
        this.upstreamExceptions = Collections.unmodifiableSet(new LinkedHashSet<>(upstreamExceptions));
    }

    static FilterSettings defaults() {
        return DEFAULTS;
    }

    /**
     * @param names the init-param names that are set
     * @param initParameter the value of an init-param, {@code null} when absent
     * @throws IllegalArgumentException naming the parameter, the value and what was expected
     */
    static FilterSettings parse(Iterable<String> names, Function<String, String> initParameter) {
        for (String name : names) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown init-param \"" + name + "\" (expected one of " + String.join(", ", NAMES) + ")");
            }
        }
        FilterSettings settings = new FilterSettings(
                status(FAILURE_STATUS, initParameter.apply(FAILURE_STATUS), DEFAULTS.failureStatus),
                status(TIMEOUT_STATUS, initParameter.apply(TIMEOUT_STATUS), DEFAULTS.timeoutStatus),
                exposeDependency(initParameter.apply(EXPOSE_DEPENDENCY)),
                upstreamExceptions(initParameter.apply(UPSTREAM_EXCEPTIONS)),
                status(UNAVAILABLE_STATUS, initParameter.apply(UNAVAILABLE_STATUS), DEFAULTS.unavailableStatus));
        settings.healthPath = healthPath(initParameter.apply(HEALTH_PATH));
        settings.healthDownStatus = healthDownStatus(initParameter.apply(HEALTH_DOWN_STATUS));
        settings.requestTimeoutNanos = requestTimeout(initParameter.apply(REQUEST_TIMEOUT));
        return settings;
    }

    /** The path (after the context path) the health endpoint answers, or {@code null} when it is off. */
    String healthPath() {
        return healthPath;
    }

    /** The HTTP status of a health answer while any dependency is {@code DOWN}; 200 by default. */
    int healthDownStatus() {
        return healthDownStatus;
    }

    /** The deadline of every request (before its headers shorten it), in nanoseconds, or {@link InboundDeadline#NONE}. */
    long requestTimeoutNanos() {
        return requestTimeoutNanos;
    }

    private static long requestTimeout(String value) {
        if (value == null || value.trim().isEmpty()) {
            return InboundDeadline.NONE;
        }
        String v = value.trim();
        int unitStart = 0;
        while (unitStart < v.length()
                && unitStart < 9
                && Character.isDigit(v.charAt(unitStart))
                && v.charAt(unitStart) < 128) {
            unitStart++;
        }
        long unit;
        switch (v.substring(unitStart)) {
            case "ms":
                unit = 1_000_000L;
                break;
            case "s":
                unit = 1_000_000_000L;
                break;
            case "m":
                unit = 60_000_000_000L;
                break;
            case "h":
                unit = 3_600_000_000_000L;
                break;
            default:
                unit = -1;
        }
        long amount = unitStart == 0 || unit < 0 ? -1 : Long.parseLong(v.substring(0, unitStart));
        if (amount <= 0 || amount > InboundDeadline.MAX_NANOS / unit) {
            throw new IllegalArgumentException(
                    "init-param " + REQUEST_TIMEOUT + ": \"" + value + "\" is not a duration from"
                            + " 1ms to 24h (expected e.g. 250ms, 2s, 1m, 1h; default: none, requests get a deadline only from their"
                            + " X-Request-Timeout-Ms or grpc-timeout header)");
        }
        return amount * unit;
    }

    private static String healthPath(String value) {
        if (value == null || value.trim().isEmpty()) {
            return null;
        }
        String path = value.trim();
        if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains("*")) {
            throw new IllegalArgumentException(
                    "init-param " + HEALTH_PATH + ": \"" + value
                            + "\" is not a path (expected one starting with /, e.g. /upstream-guard/health; default: none, off)");
        }
        return path;
    }

    private static int healthDownStatus(String value) {
        if (value == null) {
            return 200;
        }
        String trimmed = value.trim();
        int status;
        try {
            status = Integer.parseInt(trimmed);
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 200 || status > 599 || trimmed.length() != 3) {
            throw new IllegalArgumentException("init-param " + HEALTH_DOWN_STATUS + ": \"" + value
                    + "\" is not an HTTP status (expected a number from 200 to 599, e.g. 503; default 200)");
        }
        return status;
    }

    /** Status for an upstream failure other than a timeout. */
    int failureStatus() {
        return failureStatus;
    }

    /** Status for an upstream timeout. */
    int timeoutStatus() {
        return timeoutStatus;
    }

    /** The status to answer {@code kind} with. */
    int statusFor(UpstreamFailureKind kind) {
        if (Rejections.isRejection(kind)) {
            return unavailableStatus;
        }
        return kind == UpstreamFailureKind.TIMEOUT ? timeoutStatus : failureStatus;
    }

    ExposeDependency exposeDependency() {
        return exposeDependency;
    }

    /** Extra exception class names that count as upstream failures, in the order given. */
    Set<String> upstreamExceptions() {
        return upstreamExceptions;
    }

    private static int status(String name, String value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        String trimmed = value.trim();
        int status;
        try {
            status = Integer.parseInt(trimmed);
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 500 || status > 599 || trimmed.length() != 3) {
            throw new IllegalArgumentException("init-param " + name + ": \"" + value
                    + "\" is not a server error status (expected a number from 500 to 599, e.g. " + defaultValue + ")");
        }
        return status;
    }

    private static ExposeDependency exposeDependency(String value) {
        if (value == null) {
            return DEFAULTS.exposeDependency;
        }
        ExposeDependency expose = ExposeDependency.fromValue(value.trim());
        if (expose == null) {
            throw new IllegalArgumentException("init-param " + EXPOSE_DEPENDENCY + ": \"" + value
                    + "\" is not a known value (expected one of name, address, none)");
        }
        return expose;
    }

    private static Set<String> upstreamExceptions(String value) {
        if (value == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue; // a trailing comma or an empty value lists nothing
            }
            if (!isBinaryClassName(name)) {
                throw new IllegalArgumentException(
                        "init-param " + UPSTREAM_EXCEPTIONS + ": \"" + name + "\" in \"" + value
                                + "\" is not a class name (expected fully"
                                + " qualified exception class names separated by commas, e.g. com.example.InventoryDownException)");
            }
            names.add(name);
        }
        return names;
    }

    /** A binary class name such as {@code com.example.Outer$Inner}: dot-separated Java identifiers. */
    private static boolean isBinaryClassName(String name) {
        return Arrays.stream(name.split("\\.", -1)).allMatch(FilterSettings::isIdentifier);
    }

    private static boolean isIdentifier(String segment) {
        if (segment.isEmpty() || !Character.isJavaIdentifierStart(segment.codePointAt(0))) {
            return false;
        }
        return segment.codePoints()
                .skip(1)
                .allMatch(c -> Character.isJavaIdentifierPart(c) && !Character.isIdentifierIgnorable(c));
    }

    @Override
    public String toString() {
        return FAILURE_STATUS + "=" + failureStatus + ", " + TIMEOUT_STATUS + "=" + timeoutStatus + ", "
                + EXPOSE_DEPENDENCY + "=" + exposeDependency.value() + ", " + UPSTREAM_EXCEPTIONS + "="
                + String.join(",", upstreamExceptions) + ", " + UNAVAILABLE_STATUS + "=" + unavailableStatus + ", "
                + HEALTH_PATH + "=" + (healthPath == null ? "" : healthPath) + ", " + HEALTH_DOWN_STATUS + "="
                + healthDownStatus
                + ", " + REQUEST_TIMEOUT + "="
                + (requestTimeoutNanos < 0 ? "" : (requestTimeoutNanos / 1_000_000L) + "ms");
    }
}
