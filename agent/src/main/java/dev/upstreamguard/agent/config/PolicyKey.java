package dev.upstreamguard.agent.config;

import dev.upstreamguard.agent.core.GuardPolicy;
import dev.upstreamguard.agent.core.RetryOn;
import java.util.Arrays;
import java.util.LinkedHashSet;

/**
 * The settings that make up a {@link GuardPolicy}: each is read as {@code upstreamguard.KEY} and may be
 * overridden per dependency as {@code upstreamguard.dependency.NAME.KEY}. The one table that parsing,
 * messages and the documentation share.
 */
public enum PolicyKey {
    TIMEOUT_CONNECT("timeout.connect", Kind.DURATION,
            "upper bound on one attempt's connect; the smaller of this and the application's own setting applies"),
    TIMEOUT_READ("timeout.read", Kind.DURATION,
            "upper bound on waiting for the response head (and, for socket clients, any gap between reads), per attempt"),
    TIMEOUT_CALL("timeout.call", Kind.DURATION,
            "upper bound on one guarded call until its response head, all attempts and waits included: each"
                    + " attempt's connect and read timeouts (and Apache's wait for a pooled connection) shrink to the"
                    + " time left, and a retry starts only with at least 100 ms (or the read timeout, if shorter)"
                    + " left after its wait"),
    RETRY_MAX_ATTEMPTS("retry.max-attempts", Kind.COUNT, "total attempts, the first included; 1 turns retries off"),
    RETRY_BACKOFF_INITIAL("retry.backoff.initial", Kind.DURATION,
            "exponential backoff with full jitter: a random wait in [0, min(max, initial * 2^(n-1))] before retry n"),
    RETRY_BACKOFF_MAX("retry.backoff.max", Kind.DURATION, "the ceiling of the backoff"),
    RETRY_ON("retry.on", Kind.RETRY_ON,
            "what may be retried: connect-failure, dns-failure, reset, timeout and status codes"),
    RETRY_METHODS("retry.methods", Kind.METHODS,
            "methods retried after the request may have reached the server; any method is retried after a connect-failure"),
    RETRY_AFTER_MAX("retry.retry-after.max", Kind.DURATION,
            "a Retry-After is honoured up to this; a longer one ends the retries"),
    BUDGET_PERCENT("retry.budget.percent", Kind.COUNT,
            "per dependency, retries may add at most this percentage of the requests of the last 10 s ..."),
    BUDGET_MIN_PER_SECOND("retry.budget.min-per-second", Kind.COUNT,
            "... plus this many retries per second, so a quiet dependency can still be retried");

    /** How a value is written. */
    enum Kind {
        DURATION("a duration (examples: 250ms, 2s, 1m)"),
        COUNT("a whole number"),
        RETRY_ON("a comma-separated list of connect-failure, dns-failure, reset, timeout and status codes"),
        METHODS("a comma-separated list of HTTP methods");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    private final String suffix;
    private final Kind kind;
    private final String description;

    PolicyKey(String suffix, Kind kind, String description) {
        this.suffix = suffix;
        this.kind = kind;
        this.description = description;
    }

    /** The key without its prefix, e.g. {@code timeout.read}. */
    public String suffix() {
        return suffix;
    }

    public String description() {
        return description;
    }

    Kind kind() {
        return kind;
    }

    /** The value of this key in {@code policy}, written as a user would write it. */
    public String format(GuardPolicy policy) {
        switch (this) {
            case TIMEOUT_CONNECT: return Durations.format(policy.connectTimeoutMillis());
            case TIMEOUT_READ: return Durations.format(policy.readTimeoutMillis());
            case TIMEOUT_CALL: return Durations.format(policy.callTimeoutMillis());
            case RETRY_MAX_ATTEMPTS: return Integer.toString(policy.maxAttempts());
            case RETRY_BACKOFF_INITIAL: return Durations.format(policy.backoffInitialMillis());
            case RETRY_BACKOFF_MAX: return Durations.format(policy.backoffMaxMillis());
            case RETRY_ON: return policy.retryOn().toString();
            case RETRY_METHODS: return String.join(",", policy.retryMethods());
            case RETRY_AFTER_MAX: return Durations.format(policy.retryAfterMaxMillis());
            case BUDGET_PERCENT: return Integer.toString(policy.budgetPercent());
            case BUDGET_MIN_PER_SECOND: return Integer.toString(policy.budgetMinPerSecond());
            default: throw new AssertionError(this);
        }
    }

    /**
     * Applies {@code text} to {@code builder}.
     *
     * @throws IllegalArgumentException with what was expected, when the text is not a valid value
     */
    void apply(GuardPolicy.Builder builder, String text) {
        String v = text.trim();
        switch (kind) {
            case DURATION: {
                long millis = Durations.parseMillis(v);
                if (millis == Durations.INVALID) {
                    if (v.matches("\\d+\\s*(ms|s|m|h)")) {
                        throw new IllegalArgumentException("expected a duration from 0 to 24h");
                    }
                    throw new NotOfKind();
                }
                applyDuration(builder, millis);
                return;
            }
            case COUNT: {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    if (v.matches("[-+]?\\d+")) {
                        throw new IllegalArgumentException("the number is too large");
                    }
                    throw new NotOfKind();
                }
                applyCount(builder, n);
                return;
            }
            case RETRY_ON:
                builder.retryOn(RetryOn.parse(v));
                return;
            case METHODS:
                builder.retryMethods(new LinkedHashSet<>(Arrays.asList(v.split(","))));
                return;
            default:
                throw new AssertionError(kind);
        }
    }

    private void applyDuration(GuardPolicy.Builder b, long millis) {
        switch (this) {
            case TIMEOUT_CONNECT: b.connectTimeoutMillis(millis); break;
            case TIMEOUT_READ: b.readTimeoutMillis(millis); break;
            case TIMEOUT_CALL: b.callTimeoutMillis(millis); break;
            case RETRY_BACKOFF_INITIAL: b.backoffInitialMillis(millis); break;
            case RETRY_BACKOFF_MAX: b.backoffMaxMillis(millis); break;
            case RETRY_AFTER_MAX: b.retryAfterMaxMillis(millis); break;
            default: throw new AssertionError(this);
        }
    }

    private void applyCount(GuardPolicy.Builder b, int n) {
        switch (this) {
            case RETRY_MAX_ATTEMPTS: b.maxAttempts(n); break;
            case BUDGET_PERCENT: b.budgetPercent(n); break;
            case BUDGET_MIN_PER_SECOND: b.budgetMinPerSecond(n); break;
            default: throw new AssertionError(this);
        }
    }

    /** The text is not even of the right kind (not a duration, not a number). */
    static final class NotOfKind extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
    }
}
