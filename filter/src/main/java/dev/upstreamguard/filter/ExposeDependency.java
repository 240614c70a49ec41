package dev.upstreamguard.filter;

/** What the problem response may tell the client about the failed dependency: the {@code expose-dependency} init-param. */
enum ExposeDependency {
    /** The configured logical name of the dependency, when one is configured. */
    NAME("name"),
    /** The logical name and the upstream's {@code host:port}. */
    ADDRESS("address"),
    /** Nothing about the dependency. */
    NONE("none");

    private final String value;

    ExposeDependency(String value) {
        this.value = value;
    }

    String value() {
        return value;
    }

    /** @return the constant for {@code value}, or {@code null} when there is none */
    static ExposeDependency fromValue(String value) {
        for (ExposeDependency e : values()) {
            if (e.value.equals(value)) {
                return e;
            }
        }
        return null;
    }
}
