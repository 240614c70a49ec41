package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.CircuitBreaker;
import dev.upstreamguard.agent.core.FailureKind;
import dev.upstreamguard.agent.core.Outcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
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

    static final AttributeKey<String> DEPENDENCY = AttributeKey.stringKey("upstreamguard.dependency");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("upstreamguard.outcome");
    static final AttributeKey<String> RETRIED = AttributeKey.stringKey("upstreamguard.retried");
    static final AttributeKey<String> FAILURE = AttributeKey.stringKey("upstreamguard.failure");
    static final AttributeKey<String> BREAKER_STATE = AttributeKey.stringKey("upstreamguard.breaker.state");

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
    }
}
