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
    TIMEOUT_CONNECT(
            "timeout.connect",
            Kind.DURATION,
            "upper bound on one attempt's connect; the smaller of this and the application's own setting applies"),
    TIMEOUT_READ(
            "timeout.read",
            Kind.DURATION,
            "upper bound on waiting for the response head (and, for socket clients, any gap between reads), per attempt"),
    TIMEOUT_CALL(
            "timeout.call",
            Kind.DURATION,
            "upper bound on one guarded call until its response head, all attempts and waits included: each"
                    + " attempt's connect and read timeouts (and Apache's wait for a pooled connection) shrink to the"
                    + " time left, and a retry starts only with at least 100 ms (or the read timeout, if shorter)"
                    + " left after its wait"),
    RETRY_MAX_ATTEMPTS("retry.max-attempts", Kind.COUNT, "total attempts, the first included; 1 turns retries off"),
    RETRY_BACKOFF_INITIAL(
            "retry.backoff.initial",
            Kind.DURATION,
            "exponential backoff with full jitter: a random wait in [0, min(max, initial * 2^(n-1))] before retry n"),
    RETRY_BACKOFF_MAX("retry.backoff.max", Kind.DURATION, "the ceiling of the backoff"),
    RETRY_ON(
            "retry.on",
            Kind.RETRY_ON,
            "what may be retried: connect-failure, dns-failure, reset, timeout and status codes"),
    RETRY_METHODS(
            "retry.methods",
            Kind.METHODS,
            "methods retried after the request may have reached the server; any method is retried after a connect-failure"),
    RETRY_AFTER_MAX(
            "retry.retry-after.max",
            Kind.DURATION,
            "a Retry-After is honoured up to this; a longer one ends the retries"),
    RETRY_MAX_BUFFERED_BODY(
            "retry.max-buffered-body",
            Kind.SIZE,
            "the largest request body HttpURLConnection keeps to replay; a larger or chunked-streaming one is sent as it comes and never retried"),
    BUDGET_PERCENT(
            "retry.budget.percent",
            Kind.COUNT,
            "per dependency, retries may add at most this percentage of the requests of the last 10 s ..."),
    BUDGET_MIN_PER_SECOND(
            "retry.budget.min-per-second",
            Kind.COUNT,
            "... plus this many retries per second, so a quiet dependency can still be retried"),
    BREAKER_ENABLED("breaker.enabled", Kind.BOOLEAN, "false: no circuit breaker"),
    BREAKER_ON(
            "breaker.on",
            Kind.RETRY_ON,
            "what counts as a failed attempt for the breaker (same words as retry.on; a 4xx never counts unless listed)"),
    BREAKER_WINDOW(
            "breaker.window", Kind.DURATION, "the sliding time window over which attempts are counted (1s to 1h)"),
    BREAKER_MIN_ATTEMPTS(
            "breaker.min-attempts",
            Kind.COUNT,
            "the breaker may open only once the window holds at least this many attempts"),
    BREAKER_FAILURE_RATE(
            "breaker.failure-rate",
            Kind.COUNT,
            "percent of failed attempts in the window that opens the breaker (1 to 100)"),
    BREAKER_OPEN_DURATION(
            "breaker.open-duration",
            Kind.DURATION,
            "how long the breaker stays open the first time; each re-open after a failed probe doubles it, with jitter"),
    BREAKER_OPEN_DURATION_MAX("breaker.open-duration.max", Kind.DURATION, "the ceiling of the open duration"),
    BREAKER_PROBES(
            "breaker.probes",
            Kind.COUNT,
            "half-open: probe calls go through one at a time; this many successes in a row close the breaker"),
    CONCURRENCY_MAX(
            "concurrency.max",
            Kind.COUNT,
            "at most this many attempts in flight to the dependency, 0 for no limit; a call beyond it fails fast"),
    DEADLINE_RESERVE(
            "deadline.reserve",
            Kind.DURATION,
            "of an inbound request's deadline (filter: request-timeout, X-Request-Timeout-Ms, grpc-timeout), the time"
                    + " kept to write the answer: the rest caps timeout.call of every guarded call made for the request,"
                    + " and a call made once it is spent fails at once as a timeout without connecting"),
    DEADLINE_PROPAGATE(
            "deadline.propagate",
            Kind.BOOLEAN,
            "true: each attempt made for a request with a deadline carries X-Request-Timeout-Ms, the milliseconds"
                    + " left of the call's capped timeout.call at the attempt's start; never sent without a deadline");

    /** How a value is written. */
    enum Kind {
        DURATION("a duration (examples: 250ms, 2s, 1m)"),
        COUNT("a whole number"),
        RETRY_ON("a comma-separated list of connect-failure, dns-failure, reset, timeout and status codes"),
        METHODS("a comma-separated list of HTTP methods"),
        SIZE("a size (examples: 1MiB, 512KiB, or bytes: 65536)"),
        BOOLEAN("true or false");

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
            case TIMEOUT_CONNECT:
                return Durations.format(policy.connectTimeoutMillis());
            case TIMEOUT_READ:
                return Durations.format(policy.readTimeoutMillis());
            case TIMEOUT_CALL:
                return Durations.format(policy.callTimeoutMillis());
            case RETRY_MAX_ATTEMPTS:
                return Integer.toString(policy.maxAttempts());
            case RETRY_BACKOFF_INITIAL:
                return Durations.format(policy.backoffInitialMillis());
            case RETRY_BACKOFF_MAX:
                return Durations.format(policy.backoffMaxMillis());
            case RETRY_ON:
                return policy.retryOn().toString();
            case RETRY_METHODS:
                return String.join(",", policy.retryMethods());
            case RETRY_AFTER_MAX:
                return Durations.format(policy.retryAfterMaxMillis());
            case RETRY_MAX_BUFFERED_BODY:
                return Sizes.format(policy.maxBufferedBodyBytes());
            case BUDGET_PERCENT:
                return Integer.toString(policy.budgetPercent());
            case BUDGET_MIN_PER_SECOND:
                return Integer.toString(policy.budgetMinPerSecond());
            case BREAKER_ENABLED:
                return Boolean.toString(policy.breakerEnabled());
            case BREAKER_ON:
                return policy.breakerOn().toString();
            case BREAKER_WINDOW:
                return Durations.format(policy.breakerWindowMillis());
            case BREAKER_MIN_ATTEMPTS:
                return Integer.toString(policy.breakerMinAttempts());
            case BREAKER_FAILURE_RATE:
                return Integer.toString(policy.breakerFailureRate());
            case BREAKER_OPEN_DURATION:
                return Durations.format(policy.breakerOpenMillis());
            case BREAKER_OPEN_DURATION_MAX:
                return Durations.format(policy.breakerOpenMaxMillis());
            case BREAKER_PROBES:
                return Integer.toString(policy.breakerProbes());
            case CONCURRENCY_MAX:
                return Integer.toString(policy.concurrencyMax());
            case DEADLINE_RESERVE:
                return Durations.format(policy.deadlineReserveMillis());
            case DEADLINE_PROPAGATE:
                return Boolean.toString(policy.deadlinePropagate());
            default:
                throw new AssertionError(this);
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
                if (this == BREAKER_ON) {
                    builder.breakerOn(RetryOn.parse(v));
                } else {
                    builder.retryOn(RetryOn.parse(v));
                }
                return;
            case BOOLEAN: {
                String t = v.toLowerCase(java.util.Locale.ROOT);
                if (!t.equals("true") && !t.equals("false")) {
                    throw new NotOfKind();
                }
                if (this == DEADLINE_PROPAGATE) {
                    builder.deadlinePropagate(t.equals("true"));
                } else {
                    builder.breakerEnabled(t.equals("true"));
                }
                return;
            }
            case METHODS:
                builder.retryMethods(new LinkedHashSet<>(Arrays.asList(v.split(","))));
                return;
            case SIZE: {
                long bytes = Sizes.parseBytes(v);
                if (bytes == Sizes.INVALID) {
                    if (v.matches("(?i)\\d+\\s*(b|kib|mib|gib)?")) {
                        throw new IllegalArgumentException("expected a size from 0 to 1GiB");
                    }
                    throw new NotOfKind();
                }
                builder.maxBufferedBodyBytes(bytes); // the one size key
                return;
            }
            default:
                throw new AssertionError(kind);
        }
    }

    private void applyDuration(GuardPolicy.Builder b, long millis) {
        switch (this) {
            case TIMEOUT_CONNECT:
                b.connectTimeoutMillis(millis);
                break;
            case TIMEOUT_READ:
                b.readTimeoutMillis(millis);
                break;
            case TIMEOUT_CALL:
                b.callTimeoutMillis(millis);
                break;
            case RETRY_BACKOFF_INITIAL:
                b.backoffInitialMillis(millis);
                break;
            case RETRY_BACKOFF_MAX:
                b.backoffMaxMillis(millis);
                break;
            case RETRY_AFTER_MAX:
                b.retryAfterMaxMillis(millis);
                break;
            case BREAKER_WINDOW:
                b.breakerWindowMillis(millis);
                break;
            case BREAKER_OPEN_DURATION:
                b.breakerOpenMillis(millis);
                break;
            case BREAKER_OPEN_DURATION_MAX:
                b.breakerOpenMaxMillis(millis);
                break;
            case DEADLINE_RESERVE:
                b.deadlineReserveMillis(millis);
                break;
            default:
                throw new AssertionError(this);
        }
    }

    private void applyCount(GuardPolicy.Builder b, int n) {
        switch (this) {
            case RETRY_MAX_ATTEMPTS:
                b.maxAttempts(n);
                break;
            case BUDGET_PERCENT:
                b.budgetPercent(n);
                break;
            case BUDGET_MIN_PER_SECOND:
                b.budgetMinPerSecond(n);
                break;
            case BREAKER_MIN_ATTEMPTS:
                b.breakerMinAttempts(n);
                break;
            case BREAKER_FAILURE_RATE:
                b.breakerFailureRate(n);
                break;
            case BREAKER_PROBES:
                b.breakerProbes(n);
                break;
            case CONCURRENCY_MAX:
                b.concurrencyMax(n);
                break;
            default:
                throw new AssertionError(this);
        }
    }

    /** The text is not even of the right kind (not a duration, not a number). */
    static final class NotOfKind extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
    }
}
