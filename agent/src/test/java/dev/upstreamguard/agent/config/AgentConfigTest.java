package dev.upstreamguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.core.GuardPolicy;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading the agent's settings: every key, per-dependency overrides, and one clear line per bad value. */
class AgentConfigTest {

    private static final String P = AgentConfig.PREFIX;
    private static final String INVENTORY = AgentConfig.DEPENDENCY_PREFIX + "inventory.";

    private final ConfigFixture fixture = new ConfigFixture();

    /** Keeps one resolver instance across several look-ups. */
    private interface DependencyResolverView {
        Dependency resolve(String host, int port);
    }

    /** A valid value, different from the default, for every policy key, and how to read it back. */
    private static Stream<Arguments> validValues() {
        return Stream.of(
                valid(PolicyKey.TIMEOUT_CONNECT, "750ms", GuardPolicy::connectTimeoutMillis, 750L),
                valid(PolicyKey.TIMEOUT_READ, "20s", GuardPolicy::readTimeoutMillis, 20_000L),
                valid(PolicyKey.TIMEOUT_CALL, "1m", GuardPolicy::callTimeoutMillis, 60_000L),
                valid(PolicyKey.RETRY_MAX_ATTEMPTS, "5", GuardPolicy::maxAttempts, 5),
                valid(PolicyKey.RETRY_BACKOFF_INITIAL, "10ms", GuardPolicy::backoffInitialMillis, 10L),
                valid(PolicyKey.RETRY_BACKOFF_MAX, "2s", GuardPolicy::backoffMaxMillis, 2_000L),
                valid(PolicyKey.RETRY_ON, "dns-failure, 429", p -> p.retryOn().toString(), "dns-failure,429"),
                valid(PolicyKey.RETRY_METHODS, "get, post", GuardPolicy::retryMethods, Set.of("GET", "POST")),
                valid(PolicyKey.RETRY_AFTER_MAX, "30s", GuardPolicy::retryAfterMaxMillis, 30_000L),
                valid(PolicyKey.RETRY_MAX_BUFFERED_BODY, "512KiB", GuardPolicy::maxBufferedBodyBytes, 524_288L),
                valid(PolicyKey.BUDGET_PERCENT, "50", GuardPolicy::budgetPercent, 50),
                valid(PolicyKey.BUDGET_MIN_PER_SECOND, "3", GuardPolicy::budgetMinPerSecond, 3),
                valid(PolicyKey.BREAKER_ENABLED, "FALSE", GuardPolicy::breakerEnabled, false),
                valid(PolicyKey.BREAKER_ON, "timeout, 500", p -> p.breakerOn().toString(), "timeout,500"),
                valid(PolicyKey.BREAKER_WINDOW, "30s", GuardPolicy::breakerWindowMillis, 30_000L),
                valid(PolicyKey.BREAKER_MIN_ATTEMPTS, "20", GuardPolicy::breakerMinAttempts, 20),
                valid(PolicyKey.BREAKER_FAILURE_RATE, "80", GuardPolicy::breakerFailureRate, 80),
                valid(PolicyKey.BREAKER_OPEN_DURATION, "2s", GuardPolicy::breakerOpenMillis, 2_000L),
                valid(PolicyKey.BREAKER_OPEN_DURATION_MAX, "5m", GuardPolicy::breakerOpenMaxMillis, 300_000L),
                valid(PolicyKey.BREAKER_PROBES, "5", GuardPolicy::breakerProbes, 5),
                valid(PolicyKey.CONCURRENCY_MAX, "40", GuardPolicy::concurrencyMax, 40),
                valid(PolicyKey.DEADLINE_RESERVE, "120ms", GuardPolicy::deadlineReserveMillis, 120L),
                valid(PolicyKey.DEADLINE_PROPAGATE, "false", GuardPolicy::deadlinePropagate, false));
    }

    private static Arguments valid(PolicyKey key, String text, Function<GuardPolicy, Object> read, Object expected) {
        return Arguments.of(key, text, read, expected);
    }

    @Test
    void everyPolicyKeyHasAValidValueCase() {
        Set<Object> covered = validValues().map(a -> a.get()[0]).collect(Collectors.toSet());

        assertThat(covered).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(PolicyKey.class));
    }

    @ParameterizedTest(name = "upstreamguard.{0}")
    @MethodSource("validValues")
    void everyPolicyKeyIsReadGlobally(PolicyKey key, String text, Function<GuardPolicy, Object> read, Object expected) {
        fixture.property(P + key.suffix(), text);

        AgentConfig config = fixture.load();

        assertThat(read.apply(config.defaultPolicy())).isEqualTo(expected);
        assertThat(read.apply(GuardPolicy.defaults()))
                .as("the case must differ from the default")
                .isNotEqualTo(expected);
        assertThat(fixture.problems).isEmpty();
    }

    @ParameterizedTest(name = "upstreamguard.dependency.inventory.{0}")
    @MethodSource("validValues")
    void everyPolicyKeyIsReadPerDependency(
            PolicyKey key, String text, Function<GuardPolicy, Object> read, Object expected) {
        fixture.property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .property(INVENTORY + key.suffix(), text);

        AgentConfig config = fixture.load();

        assertThat(read.apply(config.dependencyPolicies().get("inventory"))).isEqualTo(expected);
        assertThat(read.apply(config.defaultPolicy()))
                .as("the global policy is untouched")
                .isEqualTo(read.apply(GuardPolicy.defaults()));
        assertThat(fixture.problems).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validValues")
    void everyPolicyKeyIsReadFromTheEnvironment(
            PolicyKey key, String text, Function<GuardPolicy, Object> read, Object expected) {
        fixture.env(ConfigSource.envName(P + key.suffix()), text);

        assertThat(read.apply(fixture.load().defaultPolicy())).isEqualTo(expected);
    }

    @Test
    void noSettingsGiveTheDefaults() {
        AgentConfig config = fixture.load();

        assertThat(config.enabled()).isTrue();
        assertThat(config.enforce()).isTrue();
        assertThat(config.tracingEnabled()).isTrue();
        assertThat(config.defaultPolicy()).hasToString(GuardPolicy.defaults().toString());
        assertThat(config.dependencyRules()).isEmpty();
        assertThat(config.dependencyPolicies()).isEmpty();
        assertThat(fixture.problems).isEmpty();
    }

    /** Bad values: the key, the value, a fragment of what was expected, and the default named in the line. */
    private static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("timeout.connect", "ten", "is not a duration (examples: 250ms, 2s, 1m)", "2s"),
                Arguments.of("timeout.connect", "-1s", "is not a duration", "2s"),
                Arguments.of("timeout.connect", "0ms", "above zero", "2s"),
                Arguments.of("timeout.read", "0s", "above zero", "10s"),
                Arguments.of("timeout.read", "25h", "24h", "10s"),
                Arguments.of("timeout.read", "9999999999999ms", "is out of range", "10s"),
                Arguments.of("timeout.call", "", "is not a duration", "30s"),
                Arguments.of("timeout.call", "0m", "above zero", "30s"),
                Arguments.of("retry.max-attempts", "three", "is not a whole number", "3"),
                Arguments.of("retry.max-attempts", "0", "1 to 100", "3"),
                Arguments.of("retry.max-attempts", "-2", "1 to 100", "3"),
                Arguments.of("retry.max-attempts", "1000", "1 to 100", "3"),
                Arguments.of("retry.max-attempts", "2.5", "is not a whole number", "3"),
                Arguments.of("retry.backoff.initial", "-50ms", "is not a duration", "50ms"),
                Arguments.of("retry.backoff.initial", "48h", "24h", "50ms"),
                Arguments.of("retry.backoff.max", "2d", "is not a duration", "1s"),
                Arguments.of(
                        "retry.on",
                        "connect-failure,teapot",
                        "\"teapot\"",
                        "connect-failure,reset,timeout,502,503,504"),
                Arguments.of("retry.on", "503,700", "\"700\"", "connect-failure,reset,timeout,502,503,504"),
                Arguments.of("retry.methods", "GET,GE T", "\"GE T\" is not an HTTP method name", null),
                Arguments.of("retry.retry-after.max", "a while", "is not a duration", "5s"),
                Arguments.of("retry.retry-after.max", "1000h", "24h", "5s"),
                Arguments.of("retry.budget.percent", "twenty", "is not a whole number", "20"),
                Arguments.of("retry.budget.percent", "-1", "0 to 1000", "20"),
                Arguments.of("retry.budget.percent", "5000", "0 to 1000", "20"),
                Arguments.of("retry.budget.min-per-second", "-3", "0 to 100000", "10"),
                Arguments.of("retry.budget.min-per-second", "1000000", "0 to 100000", "10"),
                Arguments.of(
                        "retry.max-buffered-body",
                        "lots",
                        "is not a size (examples: 1MiB, 512KiB, or bytes: 65536)",
                        "1MiB"),
                Arguments.of("retry.max-buffered-body", "1MB", "is not a size", "1MiB"),
                Arguments.of("retry.max-buffered-body", "2GiB", "0 to 1GiB", "1MiB"),
                Arguments.of("retry.max-buffered-body", "9999999999999", "0 to 1GiB", "1MiB"),
                Arguments.of("breaker.enabled", "yes", "is not true or false", "true"),
                Arguments.of("breaker.enabled", "", "is not true or false", "true"),
                Arguments.of(
                        "breaker.on",
                        "timeout,circuit-open",
                        "\"circuit-open\"",
                        "connect-failure,reset,timeout,502,503,504"),
                Arguments.of("breaker.on", "5O3", "\"5o3\"", "connect-failure,reset,timeout,502,503,504"),
                Arguments.of("breaker.window", "0s", "1s to 1h", "10s"),
                Arguments.of("breaker.window", "500ms", "1s to 1h", "10s"),
                Arguments.of("breaker.window", "-10s", "is not a duration", "10s"),
                Arguments.of("breaker.window", "2h", "1s to 1h", "10s"),
                Arguments.of("breaker.window", "ten seconds", "is not a duration", "10s"),
                Arguments.of("breaker.min-attempts", "0", "1 to 100000", "10"),
                Arguments.of("breaker.min-attempts", "-5", "1 to 100000", "10"),
                Arguments.of("breaker.min-attempts", "many", "is not a whole number", "10"),
                Arguments.of("breaker.failure-rate", "0", "1 to 100", "50"),
                Arguments.of("breaker.failure-rate", "101", "1 to 100", "50"),
                Arguments.of("breaker.failure-rate", "-50", "1 to 100", "50"),
                Arguments.of("breaker.failure-rate", "50%", "is not a whole number", "50"),
                Arguments.of("breaker.open-duration", "0s", "above zero", "5s"),
                Arguments.of("breaker.open-duration", "-5s", "is not a duration", "5s"),
                Arguments.of("breaker.open-duration", "soon", "is not a duration", "5s"),
                Arguments.of("breaker.open-duration.max", "0ms", "above zero", "1m"),
                Arguments.of("breaker.open-duration.max", "48h", "24h", "1m"),
                Arguments.of("breaker.probes", "0", "1 to 1000", "2"),
                Arguments.of("breaker.probes", "-1", "1 to 1000", "2"),
                Arguments.of("breaker.probes", "two", "is not a whole number", "2"),
                Arguments.of("concurrency.max", "-1", "0 (no limit) to 1000000", "0"),
                Arguments.of("concurrency.max", "unlimited", "is not a whole number", "0"),
                Arguments.of("concurrency.max", "99999999999", "is out of range", "0"),
                Arguments.of("deadline.reserve", "-50ms", "is not a duration", "50ms"),
                Arguments.of("deadline.reserve", "a bit", "is not a duration", "50ms"),
                Arguments.of("deadline.reserve", "25h", "24h", "50ms"),
                Arguments.of("deadline.propagate", "yes", "is not true or false", "true"));
    }

    @Test
    void anOpenDurationMaximumBelowTheOpenDurationIsReportedAndTheOpenDurationBounds() {
        fixture.property(P + "breaker.open-duration", "10s").property(P + "breaker.open-duration.max", "3s");

        GuardPolicy policy = fixture.load().defaultPolicy();

        assertThat(fixture.problems)
                .containsExactly(P + "breaker.open-duration.max: \"3s\" is below " + P
                        + "breaker.open-duration (10s); using 10s");
        assertThat(policy.breakerOpenMillis()).isEqualTo(10_000);
        assertThat(policy.breakerOpenMaxMillis()).isEqualTo(10_000);
    }

    @ParameterizedTest(name = "upstreamguard.{0}=\"{1}\"")
    @MethodSource("invalidValues")
    void invalidGlobalValueIsOneLineNamingKeyValueAndExpectationAndTheDefaultIsUsed(
            String suffix, String value, String expected, String fallback) {
        fixture.property(P + suffix, value);

        AgentConfig config = fixture.load();

        assertThat(fixture.problems).hasSize(1);
        String line = fixture.problems.get(0);
        assertThat(line)
                .startsWith(P + suffix + ": \"" + value + "\" ")
                .contains(expected)
                .doesNotContain("\n");
        if (fallback != null) {
            assertThat(line).endsWith("; using " + fallback);
        }
        assertThat(config.defaultPolicy()).hasToString(GuardPolicy.defaults().toString());
    }

    @ParameterizedTest(name = "upstreamguard.dependency.inventory.{0}=\"{1}\"")
    @MethodSource("invalidValues")
    void invalidDependencyValueIsOneLineNamingTheDependencyKeyAndTheGlobalValueIsUsed(
            String suffix, String value, String expected, String fallback) {
        fixture.property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .property(INVENTORY + suffix, value);

        AgentConfig config = fixture.load();

        assertThat(fixture.problems).hasSize(1);
        assertThat(fixture.problems.get(0))
                .startsWith(INVENTORY + suffix + ": \"" + value + "\" ")
                .contains(expected);
        assertThat(config.dependencyPolicies().get("inventory"))
                .hasToString(GuardPolicy.defaults().toString());
    }

    @Test
    void invalidDependencyValueFallsBackToTheGlobalSettingNotTheBuiltInDefault() {
        fixture.property(P + "timeout.read", "20s")
                .property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .property(INVENTORY + "timeout.read", "forever");

        AgentConfig config = fixture.load();

        assertThat(config.dependencyPolicies().get("inventory").readTimeoutMillis())
                .isEqualTo(20_000);
        assertThat(fixture.problems).singleElement().asString().endsWith("; using 20s");
    }

    @Test
    void oneBadValueDoesNotDiscardTheOtherSettings() {
        fixture.property(P + "timeout.connect", "ten")
                .property(P + "timeout.read", "20s")
                .property(P + "retry.max-attempts", "5");

        GuardPolicy policy = fixture.load().defaultPolicy();

        assertThat(policy.connectTimeoutMillis()).isEqualTo(2_000);
        assertThat(policy.readTimeoutMillis()).isEqualTo(20_000);
        assertThat(policy.maxAttempts()).isEqualTo(5);
        assertThat(fixture.problems).hasSize(1);
    }

    @Test
    void problemLineNamesTheEnvironmentVariableTheValueCameFrom() {
        fixture.env("UPSTREAMGUARD_TIMEOUT_READ", "ten");

        fixture.load();

        assertThat(fixture.problems)
                .containsExactly(
                        "UPSTREAMGUARD_TIMEOUT_READ: \"ten\" is not a duration (examples: 250ms, 2s, 1m); using 10s");
    }

    @Test
    void problemLineKeepsControlCharactersAndLongValuesOutOfTheLog() {
        fixture.property(P + "timeout.read", "ten\nFAKE LOG LINE" + "x".repeat(200));

        fixture.load();

        String line = fixture.problems.get(0);
        assertThat(line).doesNotContain("\n").contains("ten?FAKE LOG LINE").contains("...");
        assertThat(line.length()).isLessThan(200);
    }

    @Test
    void dependencyOverridesInheritTheGlobalSettings() {
        fixture.property(P + "timeout.read", "20s")
                .property(P + "retry.max-attempts", "4")
                .property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .property(INVENTORY + "timeout.read", "30s");

        AgentConfig config = fixture.load();

        GuardPolicy inventory = config.dependencyPolicies().get("inventory");
        assertThat(inventory.readTimeoutMillis()).isEqualTo(30_000);
        assertThat(inventory.maxAttempts()).isEqualTo(4);
        assertThat(config.defaultPolicy().readTimeoutMillis()).isEqualTo(20_000);
    }

    @Test
    void dependencyOverrideMayComeFromTheEnvironment() {
        fixture.property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .env("UPSTREAMGUARD_DEPENDENCY_INVENTORY_TIMEOUT_READ", "30s");

        assertThat(fixture.load().dependencyPolicies().get("inventory").readTimeoutMillis())
                .isEqualTo(30_000);
    }

    @Test
    void dependenciesBecomeRulesOfTheResolver() {
        fixture.property(
                        AgentConfig.DEPENDENCIES,
                        " inventory=inventory.internal:8080 , pricing=pricing.internal, search=*.search.internal")
                .property(INVENTORY + "timeout.read", "30s");

        AgentConfig config = fixture.load();
        Dependency inventory = config.newResolver().resolve("inventory.internal", 8080);

        assertThat(config.dependencyRules())
                .extracting(r -> r.name())
                .containsExactly("inventory", "pricing", "search");
        assertThat(inventory.name()).isEqualTo("inventory");
        assertThat(inventory.policy().readTimeoutMillis()).isEqualTo(30_000);
        assertThat(config.newResolver().resolve("eu.search.internal", 443).name())
                .isEqualTo("search");
        assertThat(config.newResolver().resolve("inventory.internal", 9999).named())
                .isFalse();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void aNameWithSeveralPatternsHasOnePolicy() {
        fixture.property(AgentConfig.DEPENDENCIES, "inventory=inv-a.internal,inventory=inv-b.internal");

        AgentConfig config = fixture.load();

        assertThat(config.dependencyRules()).hasSize(2);
        assertThat(config.dependencyPolicies()).containsOnlyKeys("inventory");
        DependencyResolverView resolver = config.newResolver()::resolve;
        assertThat(resolver.resolve("inv-b.internal", 80)).isSameAs(resolver.resolve("inv-a.internal", 80));
    }

    @ParameterizedTest(name = "\"{0}\" is ignored with one line")
    @ValueSource(
            strings = {
                "inventory",
                "=inventory.internal",
                "inventory=",
                "bad name=host",
                "bad.name=host",
                "inv=host:99999",
                "inv=*.",
                "inv=http://host",
                "inv=host/path"
            })
    void invalidDependencyEntryIsOneLineAndTheOtherEntriesAreKept(String bad) {
        fixture.property(AgentConfig.DEPENDENCIES, "pricing=pricing.internal," + bad + ",search=*.search.internal");

        AgentConfig config = fixture.load();

        assertThat(fixture.problems).hasSize(1);
        assertThat(fixture.problems.get(0))
                .startsWith(AgentConfig.DEPENDENCIES + ": \"" + bad + "\"")
                .contains("entry ignored");
        assertThat(config.dependencyRules()).extracting(r -> r.name()).containsExactly("pricing", "search");
    }

    @Test
    void blankDependenciesAreNoProblem() {
        fixture.property(AgentConfig.DEPENDENCIES, " , ,");

        assertThat(fixture.load().dependencyRules()).isEmpty();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void unknownKeyIsWarned() {
        fixture.property(P + "timeout.conect", "1s");

        fixture.load();

        assertThat(fixture.problems).containsExactly(P + "timeout.conect: unknown setting; ignored");
    }

    @Test
    void overrideOfAnUndeclaredDependencyIsWarned() {
        fixture.property(AgentConfig.DEPENDENCY_PREFIX + "ghost.timeout.read", "1s");

        fixture.load();

        assertThat(fixture.problems)
                .singleElement()
                .asString()
                .startsWith(AgentConfig.DEPENDENCY_PREFIX + "ghost.timeout.read:")
                .contains("no dependency named \"ghost\"");
    }

    @Test
    void unknownKeyOfADeclaredDependencyIsWarned() {
        fixture.property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .property(INVENTORY + "timeout.bogus", "1s");

        fixture.load();

        assertThat(fixture.problems).containsExactly(INVENTORY + "timeout.bogus: unknown setting; ignored");
    }

    @Test
    void knownKeysAreNotWarned() {
        fixture.property(AgentConfig.ENABLED, "true")
                .property(AgentConfig.MODE, "enforce")
                .property(AgentConfig.TRACING_ENABLED, "true")
                .property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal")
                .property(INVENTORY + "retry.on", "503");
        Arrays.stream(PolicyKey.values())
                .forEach(k -> fixture.property(P + k.suffix(), k.format(GuardPolicy.defaults())));

        fixture.load();

        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void backoffInitialAboveMaxIsReported() {
        fixture.property(P + "retry.backoff.initial", "2s");

        GuardPolicy policy = fixture.load().defaultPolicy();

        assertThat(policy.backoffInitialMillis()).isEqualTo(2_000);
        assertThat(fixture.problems)
                .singleElement()
                .asString()
                .startsWith(P + "retry.backoff.initial: \"2s\"")
                .contains(P + "retry.backoff.max (1s)");
    }

    @Test
    void backoffInitialAboveMaxIsReportedOnceEvenWithNamedDependencies() {
        // the user wrote one bad global value; the dependency inherits it but sets nothing itself
        fixture.property(P + "retry.backoff.initial", "2s")
                .property(AgentConfig.DEPENDENCIES, "inventory=inventory.internal,pricing=pricing.internal");

        fixture.load();

        assertThat(fixture.problems).hasSize(1);
        assertThat(fixture.problems).noneMatch(line -> line.startsWith(AgentConfig.DEPENDENCY_PREFIX));
    }

    @Test
    void observeModeTurnsEnforcementOff() {
        fixture.property(AgentConfig.MODE, " Observe ");

        assertThat(fixture.load().enforce()).isFalse();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void enforceModeIsExplicitlyAccepted() {
        fixture.property(AgentConfig.MODE, "ENFORCE");

        assertThat(fixture.load().enforce()).isTrue();
    }

    @Test
    void unknownModeIsOneLineAndEnforces() {
        fixture.property(AgentConfig.MODE, "watch");

        assertThat(fixture.load().enforce()).isTrue();
        assertThat(fixture.problems)
                .containsExactly(AgentConfig.MODE + ": \"watch\" is not enforce or observe; using enforce");
    }

    @Test
    void agentCanBeDisabled() {
        fixture.env("UPSTREAMGUARD_ENABLED", "FALSE");

        assertThat(fixture.load().enabled()).isFalse();
    }

    @Test
    void tracingCanBeDisabled() {
        fixture.property(AgentConfig.TRACING_ENABLED, "false");

        AgentConfig config = fixture.load();

        assertThat(config.tracingEnabled()).isFalse();
        assertThat(config.enabled()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {AgentConfig.ENABLED, AgentConfig.TRACING_ENABLED})
    void invalidBooleanIsOneLineAndKeepsTheDefault(String key) {
        fixture.property(key, "nope");

        AgentConfig config = fixture.load();

        assertThat(config.enabled()).isTrue();
        assertThat(config.tracingEnabled()).isTrue();
        assertThat(fixture.problems).containsExactly(key + ": \"nope\" is not true or false; using true");
    }

    @Test
    void problemsOfDifferentKeysAreEachOneLine() {
        fixture.property(AgentConfig.MODE, "watch")
                .property(P + "timeout.read", "ten")
                .property(P + "retry.max-attempts", "0")
                .property(AgentConfig.DEPENDENCIES, "broken");

        fixture.load();

        List<String> keys = fixture.problems.stream()
                .map(l -> l.substring(0, l.indexOf(':')))
                .collect(Collectors.toList());
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        AgentConfig.MODE, P + "timeout.read", P + "retry.max-attempts", AgentConfig.DEPENDENCIES);
    }
}
