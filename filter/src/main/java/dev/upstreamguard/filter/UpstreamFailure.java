package dev.upstreamguard.filter;

import java.util.Objects;

/**
 * What is known about one failed upstream call: how it failed and, when a source knows it, which
 * dependency it was and after how many attempts. Immutable and thread-safe.
 *
 * <p>{@linkplain #dependency() dependency} is a logical name that a user configured (for example {@code
 * inventory}), never a {@code host:port} fallback, so that {@code expose-dependency=name} can show it to
 * clients without leaking an internal address; the address has its own field.
 */
public final class UpstreamFailure {
    private final UpstreamFailureKind kind;
    private final String dependency;
    private final String address;
    private final int attempts;
    private final String exceptionType;

    /**
     * @param kind how the call failed
     * @param dependency the configured logical name of the dependency, or {@code null} when unknown
     * @param address the upstream's {@code host:port}, or {@code null} when unknown
     * @param attempts how many attempts were made, the first included; {@code 0} when unknown
     * @param exceptionType the fully qualified class name of the exception that shows the failure, or {@code
     *     null} when the failure is known without one (an error status seen by the agent)
     * @throws IllegalArgumentException if {@code attempts} is negative or a name is blank
     */
    public UpstreamFailure(
            UpstreamFailureKind kind, String dependency, String address, int attempts, String exceptionType) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.dependency = requireNonBlank(dependency, "dependency");
        this.address = requireNonBlank(address, "address");
        if (attempts < 0) {
            throw new IllegalArgumentException(
                    "attempts: " + attempts + " is negative (expected 0 for unknown, or 1 and more)");
        }
        this.attempts = attempts;
        this.exceptionType = requireNonBlank(exceptionType, "exceptionType");
    }

    /** A failure known only from an exception: dependency, address and attempts unknown. */
    public static UpstreamFailure fromException(UpstreamFailureKind kind, Throwable exception) {
        return new UpstreamFailure(kind, null, null, 0, exception.getClass().getName());
    }

    public UpstreamFailureKind kind() {
        return kind;
    }

    /** The configured logical name of the dependency, or {@code null} when unknown. */
    public String dependency() {
        return dependency;
    }

    /** The upstream's {@code host:port}, or {@code null} when unknown. */
    public String address() {
        return address;
    }

    /** How many attempts were made, the first included; {@code 0} when unknown. */
    public int attempts() {
        return attempts;
    }

    /** The fully qualified class name of the exception that shows the failure, or {@code null}. */
    public String exceptionType() {
        return exceptionType;
    }

    /** The name to record on spans: the logical name, else the address, else {@code null}. */
    String dependencyOrAddress() {
        return dependency != null ? dependency : address;
    }

    private static String requireNonBlank(String value, String what) {
        if (value != null && value.trim().isEmpty()) {
            throw new IllegalArgumentException(what + ": must be null (unknown) or non-blank, was \"" + value + "\"");
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof UpstreamFailure)) {
            return false;
        }
        UpstreamFailure that = (UpstreamFailure) other;
        return kind == that.kind
                && attempts == that.attempts
                && Objects.equals(dependency, that.dependency)
                && Objects.equals(address, that.address)
                && Objects.equals(exceptionType, that.exceptionType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, dependency, address, attempts, exceptionType);
    }

    @Override
    public String toString() {
        return "UpstreamFailure{kind=" + kind + ", dependency=" + dependency + ", address=" + address + ", attempts="
                + attempts + ", exceptionType=" + exceptionType + '}';
    }
}
