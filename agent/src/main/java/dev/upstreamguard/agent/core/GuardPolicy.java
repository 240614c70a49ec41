package dev.upstreamguard.agent.core;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The timeouts and retry rules for one dependency. Immutable and thread-safe; built by a validating
 * {@link Builder}, starting from {@link #defaults()} or from another policy with {@link #toBuilder()}.
 * Durations are in milliseconds.
 */
public final class GuardPolicy {

    private static final GuardPolicy DEFAULTS = new Builder().build();

    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final long callTimeoutMillis;
    private final int maxAttempts;
    private final long backoffInitialMillis;
    private final long backoffMaxMillis;
    private final RetryOn retryOn;
    private final Set<String> retryMethods;
    private final long retryAfterMaxMillis;
    private final int budgetPercent;
    private final int budgetMinPerSecond;
    private final long maxBufferedBodyBytes;
    private final boolean breakerEnabled;
    private final RetryOn breakerOn;
    private final long breakerWindowMillis;
    private final int breakerMinAttempts;
    private final int breakerFailureRate;
    private final long breakerOpenMillis;
    private final long breakerOpenMaxMillis;
    private final int breakerProbes;
    private final int concurrencyMax;
    private final long deadlineReserveMillis;
    private final boolean deadlinePropagate;

    private GuardPolicy(Builder b) {
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.readTimeoutMillis = b.readTimeoutMillis;
        this.callTimeoutMillis = b.callTimeoutMillis;
        this.maxAttempts = b.maxAttempts;
        this.backoffInitialMillis = b.backoffInitialMillis;
        this.backoffMaxMillis = b.backoffMaxMillis;
        this.retryOn = b.retryOn;
        this.retryMethods = Collections.unmodifiableSet(new LinkedHashSet<>(b.retryMethods));
        this.retryAfterMaxMillis = b.retryAfterMaxMillis;
        this.budgetPercent = b.budgetPercent;
        this.budgetMinPerSecond = b.budgetMinPerSecond;
        this.maxBufferedBodyBytes = b.maxBufferedBodyBytes;
        this.breakerEnabled = b.breakerEnabled;
        this.breakerOn = b.breakerOn;
        this.breakerWindowMillis = b.breakerWindowMillis;
        this.breakerMinAttempts = b.breakerMinAttempts;
        this.breakerFailureRate = b.breakerFailureRate;
        this.breakerOpenMillis = b.breakerOpenMillis;
        this.breakerOpenMaxMillis = Math.max(b.breakerOpenMillis, b.breakerOpenMaxMillis);
        this.breakerProbes = b.breakerProbes;
        this.concurrencyMax = b.concurrencyMax;
        this.deadlineReserveMillis = b.deadlineReserveMillis;
        this.deadlinePropagate = b.deadlinePropagate;
    }

    /** The defaults of docs/configuration.md: 2s connect, 10s read, 30s call, 3 attempts, 50ms..1s backoff. */
    public static GuardPolicy defaults() {
        return DEFAULTS;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    public long callTimeoutMillis() {
        return callTimeoutMillis;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public long backoffInitialMillis() {
        return backoffInitialMillis;
    }

    public long backoffMaxMillis() {
        return backoffMaxMillis;
    }

    public RetryOn retryOn() {
        return retryOn;
    }

    /** Upper-case method names retried after the request may have reached the server. */
    public Set<String> retryMethods() {
        return retryMethods;
    }

    public boolean retriesMethod(String method) {
        return retryMethods.contains(method);
    }

    public long retryAfterMaxMillis() {
        return retryAfterMaxMillis;
    }

    public int budgetPercent() {
        return budgetPercent;
    }

    public int budgetMinPerSecond() {
        return budgetMinPerSecond;
    }

    /** The largest request body an adapter that must copy it keeps to replay; a larger one is never retried. */
    public long maxBufferedBodyBytes() {
        return maxBufferedBodyBytes;
    }

    public boolean breakerEnabled() {
        return breakerEnabled;
    }

    /** What counts as a failed attempt for the breaker (same words as {@code retry.on}). */
    public RetryOn breakerOn() {
        return breakerOn;
    }

    public long breakerWindowMillis() {
        return breakerWindowMillis;
    }

    public int breakerMinAttempts() {
        return breakerMinAttempts;
    }

    /** Percent of failed attempts in the window that opens the breaker, 1 to 100. */
    public int breakerFailureRate() {
        return breakerFailureRate;
    }

    public long breakerOpenMillis() {
        return breakerOpenMillis;
    }

    /** Never below {@link #breakerOpenMillis()}. */
    public long breakerOpenMaxMillis() {
        return breakerOpenMaxMillis;
    }

    public int breakerProbes() {
        return breakerProbes;
    }

    /** At most this many attempts in flight to the dependency; 0: no limit. */
    public int concurrencyMax() {
        return concurrencyMax;
    }

    /** Of an inbound request's deadline, the time kept back to write its answer: calls are capped at the rest. */
    public long deadlineReserveMillis() {
        return deadlineReserveMillis;
    }

    /** True when each attempt made for a request with a deadline carries {@code X-Request-Timeout-Ms}. */
    public boolean deadlinePropagate() {
        return deadlinePropagate;
    }

    @Override
    public String toString() {
        return "GuardPolicy{connect=" + connectTimeoutMillis + "ms, read=" + readTimeoutMillis
                + "ms, call=" + callTimeoutMillis + "ms, maxAttempts=" + maxAttempts
                + ", backoff=" + backoffInitialMillis + ".." + backoffMaxMillis + "ms, retryOn=" + retryOn
                + ", methods=" + retryMethods + ", retryAfterMax=" + retryAfterMaxMillis
                + "ms, budget=" + budgetPercent + "%+" + budgetMinPerSecond + "/s, breaker="
                + (breakerEnabled
                        ? breakerFailureRate + "%/" + breakerMinAttempts + " in " + breakerWindowMillis
                                + "ms on " + breakerOn + ", open " + breakerOpenMillis + ".." + breakerOpenMaxMillis
                                + "ms, "
                                + breakerProbes + " probes"
                        : "off")
                + ", concurrency=" + concurrencyMax + ", maxBufferedBody=" + maxBufferedBodyBytes
                + ", deadline=reserve " + deadlineReserveMillis + "ms" + (deadlinePropagate ? ", propagated" : "")
                + "}";
    }

    /** Validating builder; each setter rejects an out-of-range value with an IllegalArgumentException. */
    public static final class Builder {
        /** The largest duration any setting accepts: one day. */
        public static final long MAX_DURATION_MILLIS = 24L * 60 * 60 * 1000;

        public static final int MAX_ATTEMPTS = 100;

        private long connectTimeoutMillis = 2_000;
        private long readTimeoutMillis = 10_000;
        private long callTimeoutMillis = 30_000;
        private int maxAttempts = 3;
        private long backoffInitialMillis = 50;
        private long backoffMaxMillis = 1_000;
        private RetryOn retryOn = RetryOn.defaults();
        private Set<String> retryMethods = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
        private long retryAfterMaxMillis = 5_000;
        private int budgetPercent = 20;
        private int budgetMinPerSecond = 10;
        private long maxBufferedBodyBytes = 1024 * 1024;
        private boolean breakerEnabled = true;
        private RetryOn breakerOn = RetryOn.defaults();
        private long breakerWindowMillis = 10_000;
        private int breakerMinAttempts = 10;
        private int breakerFailureRate = 50;
        private long breakerOpenMillis = 5_000;
        private long breakerOpenMaxMillis = 60_000;
        private int breakerProbes = 2;
        private int concurrencyMax = 0;
        private long deadlineReserveMillis = 50;
        private boolean deadlinePropagate = true;

        public Builder() {}

        private Builder(GuardPolicy p) {
            connectTimeoutMillis = p.connectTimeoutMillis;
            readTimeoutMillis = p.readTimeoutMillis;
            callTimeoutMillis = p.callTimeoutMillis;
            maxAttempts = p.maxAttempts;
            backoffInitialMillis = p.backoffInitialMillis;
            backoffMaxMillis = p.backoffMaxMillis;
            retryOn = p.retryOn;
            retryMethods = p.retryMethods;
            retryAfterMaxMillis = p.retryAfterMaxMillis;
            budgetPercent = p.budgetPercent;
            budgetMinPerSecond = p.budgetMinPerSecond;
            maxBufferedBodyBytes = p.maxBufferedBodyBytes;
            breakerEnabled = p.breakerEnabled;
            breakerOn = p.breakerOn;
            breakerWindowMillis = p.breakerWindowMillis;
            breakerMinAttempts = p.breakerMinAttempts;
            breakerFailureRate = p.breakerFailureRate;
            breakerOpenMillis = p.breakerOpenMillis;
            breakerOpenMaxMillis = p.breakerOpenMaxMillis;
            breakerProbes = p.breakerProbes;
            concurrencyMax = p.concurrencyMax;
            deadlineReserveMillis = p.deadlineReserveMillis;
            deadlinePropagate = p.deadlinePropagate;
        }

        public Builder connectTimeoutMillis(long millis) {
            connectTimeoutMillis = positiveDuration(millis);
            return this;
        }

        public Builder readTimeoutMillis(long millis) {
            readTimeoutMillis = positiveDuration(millis);
            return this;
        }

        public Builder callTimeoutMillis(long millis) {
            callTimeoutMillis = positiveDuration(millis);
            return this;
        }

        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > MAX_ATTEMPTS) {
                throw new IllegalArgumentException("expected a whole number from 1 to " + MAX_ATTEMPTS);
            }
            maxAttempts = attempts;
            return this;
        }

        public Builder backoffInitialMillis(long millis) {
            backoffInitialMillis = duration(millis);
            return this;
        }

        public Builder backoffMaxMillis(long millis) {
            backoffMaxMillis = duration(millis);
            return this;
        }

        public Builder retryOn(RetryOn value) {
            retryOn = java.util.Objects.requireNonNull(value);
            return this;
        }

        /** Method names, case-insensitive; each must be an HTTP token. */
        public Builder retryMethods(Set<String> methods) {
            Set<String> upper = new LinkedHashSet<>();
            for (String m : methods) {
                String method = m.trim().toUpperCase(Locale.ROOT);
                if (method.isEmpty()) {
                    continue;
                }
                if (!isToken(method)) {
                    throw new IllegalArgumentException("\"" + m + "\" is not an HTTP method name");
                }
                upper.add(method);
            }
            retryMethods = upper;
            return this;
        }

        public Builder retryAfterMaxMillis(long millis) {
            retryAfterMaxMillis = duration(millis);
            return this;
        }

        public Builder budgetPercent(int percent) {
            if (percent < 0 || percent > 1000) {
                throw new IllegalArgumentException("expected a whole number from 0 to 1000");
            }
            budgetPercent = percent;
            return this;
        }

        public Builder budgetMinPerSecond(int perSecond) {
            if (perSecond < 0 || perSecond > 100_000) {
                throw new IllegalArgumentException("expected a whole number from 0 to 100000");
            }
            budgetMinPerSecond = perSecond;
            return this;
        }

        /** From 0 (no body is kept, none replayed) to 1 GiB. */
        public Builder maxBufferedBodyBytes(long bytes) {
            if (bytes < 0 || bytes > 1024L * 1024 * 1024) {
                throw new IllegalArgumentException("expected a size from 0 to 1GiB");
            }
            maxBufferedBodyBytes = bytes;
            return this;
        }

        public Builder breakerEnabled(boolean enabled) {
            breakerEnabled = enabled;
            return this;
        }

        public Builder breakerOn(RetryOn value) {
            breakerOn = java.util.Objects.requireNonNull(value);
            return this;
        }

        /** From 1s (the window has ten slots of at least 100ms) to 1h. */
        public Builder breakerWindowMillis(long millis) {
            if (millis < 1_000 || millis > 3_600_000) {
                throw new IllegalArgumentException("expected a duration from 1s to 1h");
            }
            breakerWindowMillis = millis;
            return this;
        }

        public Builder breakerMinAttempts(int attempts) {
            if (attempts < 1 || attempts > 100_000) {
                throw new IllegalArgumentException("expected a whole number from 1 to 100000");
            }
            breakerMinAttempts = attempts;
            return this;
        }

        public Builder breakerFailureRate(int percent) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("expected a whole number from 1 to 100");
            }
            breakerFailureRate = percent;
            return this;
        }

        public Builder breakerOpenMillis(long millis) {
            breakerOpenMillis = positiveDuration(millis);
            return this;
        }

        public Builder breakerOpenMaxMillis(long millis) {
            breakerOpenMaxMillis = positiveDuration(millis);
            return this;
        }

        public Builder breakerProbes(int probes) {
            if (probes < 1 || probes > 1000) {
                throw new IllegalArgumentException("expected a whole number from 1 to 1000");
            }
            breakerProbes = probes;
            return this;
        }

        public Builder concurrencyMax(int max) {
            if (max < 0 || max > 1_000_000) {
                throw new IllegalArgumentException("expected a whole number from 0 (no limit) to 1000000");
            }
            concurrencyMax = max;
            return this;
        }

        /** Of a request's deadline, the time kept back to write its answer (0 to 24h). */
        public Builder deadlineReserveMillis(long millis) {
            deadlineReserveMillis = duration(millis);
            return this;
        }

        public Builder deadlinePropagate(boolean propagate) {
            deadlinePropagate = propagate;
            return this;
        }

        public GuardPolicy build() {
            return new GuardPolicy(this);
        }

        private static long positiveDuration(long millis) {
            if (millis <= 0) {
                throw new IllegalArgumentException("expected a duration above zero");
            }
            return duration(millis);
        }

        private static long duration(long millis) {
            if (millis < 0 || millis > MAX_DURATION_MILLIS) {
                throw new IllegalArgumentException("expected a duration from 0 to 24h");
            }
            return millis;
        }

        private static boolean isToken(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }
}
