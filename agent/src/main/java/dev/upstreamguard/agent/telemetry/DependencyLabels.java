package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.CircuitBreaker;
import dev.upstreamguard.agent.core.FailureKind;
import dev.upstreamguard.agent.core.Outcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metric attributes of each dependency, built once: the first {@link #MAX} dependency names each get
 * their own, every later one is recorded as {@code upstreamguard.dependency=_other} (without {@code
 * server.address} and {@code server.port}), so no instrument ever holds more than {@code MAX + 1} series
 * per attribute combination, whatever the application calls. Thread-safe.
 */
final class DependencyLabels {

    static final int MAX = 1024;
    static final String OTHER = "_other";

    static final AttributeKey<String> METHOD = SpanCallObserver.HTTP_REQUEST_METHOD;
    static final AttributeKey<String> ADDRESS = SpanCallObserver.SERVER_ADDRESS;
    static final AttributeKey<Long> PORT = SpanCallObserver.SERVER_PORT;
    static final AttributeKey<Long> STATUS = SpanCallObserver.HTTP_RESPONSE_STATUS_CODE;
    static final AttributeKey<String> ERROR_TYPE = SpanCallObserver.ERROR_TYPE;

    static final AttributeKey<String> DEPENDENCY = AttributeKey.stringKey("upstreamguard.dependency");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("upstreamguard.outcome");
    static final AttributeKey<String> RETRIED = AttributeKey.stringKey("upstreamguard.retried");
    static final AttributeKey<String> FAILURE = AttributeKey.stringKey("upstreamguard.failure");
    static final AttributeKey<String> BREAKER_STATE = AttributeKey.stringKey("upstreamguard.breaker.state");
    /** Attempt-duration attribute sets kept per dependency; past this many, each is built when recorded. */
    static final int MAX_DURATION_SETS = 256;

    private final Map<String, Labels> known = new ConcurrentHashMap<>();
    private final Labels other = new Labels(OTHER, true);

    /** The attributes of the dependency named {@code name}; {@code _other} past the first {@link #MAX}. */
    Labels of(String name) {
        Labels labels = known.get(name);
        if (labels != null) {
            return labels;
        }
        synchronized (this) {
            labels = known.get(name);
            if (labels == null) {
                if (known.size() >= MAX) {
                    return other;
                }
                labels = new Labels(name, false);
                known.put(name, labels);
            }
            return labels;
        }
    }

    /** The attributes of every dependency past the first {@link #MAX}. */
    Labels other() {
        return other;
    }

    /** One dependency's attribute sets, one per value combination the counters use. */
    static final class Labels {
        final String name;
        /** True for {@code _other}: its attempts carry no address. */
        final boolean other;

        final Attributes dependency;
        private final Attributes[] calls = new Attributes[Outcome.values().length * 2];
        private final Attributes[] retries = new Attributes[FailureKind.values().length];
        private final Attributes[] states = new Attributes[CircuitBreaker.State.values().length];
        /** The attempt durations' sets, built on first use: a handful per dependency (method, status, error). */
        private final Map<AttemptKey, Attributes> attempts = new ConcurrentHashMap<>();

        private Labels(String name, boolean other) {
            this.name = name;
            this.other = other;
            this.dependency = Attributes.of(DEPENDENCY, name);
            for (Outcome outcome : Outcome.values()) {
                calls[outcome.ordinal() * 2] =
                        Attributes.of(DEPENDENCY, name, OUTCOME, outcome.label(), RETRIED, "false");
                calls[outcome.ordinal() * 2 + 1] =
                        Attributes.of(DEPENDENCY, name, OUTCOME, outcome.label(), RETRIED, "true");
            }
            for (FailureKind failure : FailureKind.values()) {
                retries[failure.ordinal()] = Attributes.of(DEPENDENCY, name, FAILURE, failure.label());
            }
            for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                states[state.ordinal()] = Attributes.of(DEPENDENCY, name, BREAKER_STATE, state.label());
            }
        }

        Attributes call(Outcome outcome, boolean retried) {
            return calls[outcome.ordinal() * 2 + (retried ? 1 : 0)];
        }

        Attributes retry(FailureKind failure) {
            return retries[failure.ordinal()];
        }

        Attributes state(CircuitBreaker.State state) {
            return states[state.ordinal()];
        }

        /**
         * The attributes of one attempt's duration: method, dependency, address and port (not for {@code
         * _other}), status when a response came ({@code status >= 0}), error type when it failed (null if not).
         */
        Attributes attempt(String method, String host, int port, int status, String errorType) {
            AttemptKey key = new AttemptKey(method, other ? null : host, other ? 0 : port, status, errorType);
            Attributes attributes = attempts.get(key);
            if (attributes == null) {
                attributes = key.build(name);
                if (attempts.size() < MAX_DURATION_SETS) {
                    attempts.putIfAbsent(key, attributes);
                }
            }
            return attributes;
        }

        /** How many attempt-duration sets are kept (tests). */
        int attemptSets() {
            return attempts.size();
        }
    }

    /** What varies between the attempt-duration sets of one dependency; {@code host} is null for {@code _other}. */
    private static final class AttemptKey {
        private final String method;
        private final String host;
        private final int port;
        private final int status;
        private final String errorType;

        AttemptKey(String method, String host, int port, int status, String errorType) {
            this.method = method;
            this.host = host;
            this.port = port;
            this.status = status;
            this.errorType = errorType;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof AttemptKey)) {
                return false;
            }
            AttemptKey k = (AttemptKey) o;
            return port == k.port
                    && status == k.status
                    && method.equals(k.method)
                    && Objects.equals(host, k.host)
                    && Objects.equals(errorType, k.errorType);
        }

        @Override
        public int hashCode() {
            int h = method.hashCode();
            h = 31 * h + Objects.hashCode(host);
            h = 31 * h + port;
            h = 31 * h + status;
            return 31 * h + Objects.hashCode(errorType);
        }

        Attributes build(String dependency) {
            AttributesBuilder attributes =
                    Attributes.builder().put(METHOD, method).put(DEPENDENCY, dependency);
            if (host != null) {
                attributes.put(ADDRESS, host).put(PORT, (long) port);
            }
            if (status >= 0) {
                attributes.put(STATUS, (long) status);
            }
            if (errorType != null) {
                attributes.put(ERROR_TYPE, errorType);
            }
            return attributes.build();
        }
    }
}
