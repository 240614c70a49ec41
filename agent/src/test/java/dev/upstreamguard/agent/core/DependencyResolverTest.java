package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upstreamguard.agent.core.DependencyResolver.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mapping a request's host and port to its logical dependency, its policy and its one retry budget. */
class DependencyResolverTest {

    private static final GuardPolicy DEFAULT = GuardPolicy.defaults();
    private static final GuardPolicy SLOW =
            DEFAULT.toBuilder().readTimeoutMillis(30_000).build();

    private static DependencyResolver resolver(Rule... rules) {
        return new DependencyResolver(List.of(rules), DEFAULT, Map.of("inventory", SLOW));
    }

    @Test
    void hostRuleMatchesAnyPortOfThatHost() {
        DependencyResolver r = resolver(Rule.of("inventory", "inventory.internal"));

        assertThat(r.resolve("inventory.internal", 8080).name()).isEqualTo("inventory");
        assertThat(r.resolve("inventory.internal", 443).name()).isEqualTo("inventory");
    }

    @Test
    void hostPortRuleMatchesOnlyThatPort() {
        DependencyResolver r = resolver(Rule.of("inventory", "inventory.internal:8080"));

        assertThat(r.resolve("inventory.internal", 8080).name()).isEqualTo("inventory");
        assertThat(r.resolve("inventory.internal", 9090).name()).isEqualTo("inventory.internal:9090");
    }

    @Test
    void suffixRuleMatchesSubdomainsButNotTheBareDomain() {
        DependencyResolver r = resolver(Rule.of("search", "*.search.internal"));

        assertThat(r.resolve("eu.search.internal", 80).name()).isEqualTo("search");
        assertThat(r.resolve("a.b.search.internal", 80).name()).isEqualTo("search");
        assertThat(r.resolve("search.internal", 80).named()).isFalse();
        assertThat(r.resolve("research.internal", 80).named()).isFalse();
    }

    @Test
    void hostPortBeatsHostBeatsSuffixWhateverTheOrderOfTheRules() {
        DependencyResolver r = resolver(
                Rule.of("wildcard", "*.internal"),
                Rule.of("byhost", "api.internal"),
                Rule.of("byport", "api.internal:9000"));

        assertThat(r.resolve("api.internal", 9000).name()).isEqualTo("byport");
        assertThat(r.resolve("api.internal", 8000).name()).isEqualTo("byhost");
        assertThat(r.resolve("other.internal", 8000).name()).isEqualTo("wildcard");
    }

    @Test
    void longestSuffixWins() {
        DependencyResolver r = resolver(Rule.of("internal", "*.internal"), Rule.of("search", "*.search.internal"));

        assertThat(r.resolve("eu.search.internal", 80).name()).isEqualTo("search");
        assertThat(r.resolve("eu.pricing.internal", 80).name()).isEqualTo("internal");
    }

    @Test
    void matchingIgnoresCase() {
        DependencyResolver r = resolver(Rule.of("inventory", "Inventory.Internal"));

        assertThat(r.resolve("INVENTORY.internal", 80).name()).isEqualTo("inventory");
    }

    @Test
    void unnamedUpstreamIsNamedHostPortWithTheDefaultPolicy() {
        Dependency d = resolver(Rule.of("inventory", "inventory.internal")).resolve("Pricing.Internal", 9000);

        assertThat(d.name()).isEqualTo("pricing.internal:9000");
        assertThat(d.named()).isFalse();
        assertThat(d.policy()).isSameAs(DEFAULT);
    }

    @Test
    void namedDependencyGetsItsOwnPolicyOrTheDefault() {
        DependencyResolver r = resolver(Rule.of("inventory", "inventory.internal"), Rule.of("pricing", "pricing"));

        Dependency inventory = r.resolve("inventory.internal", 80);
        Dependency pricing = r.resolve("pricing", 80);

        assertThat(inventory.named()).isTrue();
        assertThat(inventory.policy()).isSameAs(SLOW);
        assertThat(pricing.policy()).isSameAs(DEFAULT);
    }

    @Test
    void repeatedResolvesGiveTheSameDependencyAndBudget() {
        DependencyResolver r = resolver(Rule.of("inventory", "inventory.internal"));

        Dependency first = r.resolve("inventory.internal", 80);
        Dependency again = r.resolve("inventory.internal", 80);
        Dependency unnamed = r.resolve("other", 80);

        assertThat(again).isSameAs(first);
        assertThat(again.budget()).isSameAs(first.budget());
        assertThat(r.resolve("other", 80)).isSameAs(unnamed);
    }

    @Test
    void everyAddressOfANamedDependencySharesOneDependency() {
        DependencyResolver r = resolver(
                Rule.of("inventory", "inventory-a.internal"), Rule.of("inventory", "inventory-b.internal:8080"));

        Dependency a = r.resolve("inventory-a.internal", 80);
        Dependency b = r.resolve("inventory-b.internal", 8080);

        assertThat(b).isSameAs(a);
        assertThat(b.budget()).isSameAs(a.budget());
    }

    @Test
    void budgetFollowsThePolicyOfTheDependency() {
        GuardPolicy none =
                DEFAULT.toBuilder().budgetPercent(0).budgetMinPerSecond(0).build();
        DependencyResolver r =
                new DependencyResolver(List.of(Rule.of("strict", "strict")), DEFAULT, Map.of("strict", none));

        assertThat(r.resolve("strict", 80).budget().tryAcquireRetry(0)).isFalse();
        assertThat(r.resolve("lenient", 80).budget().tryAcquireRetry(0)).isTrue();
    }

    @Test
    void nullHostResolvesToAnUnnamedDependency() {
        Dependency d = resolver(Rule.of("inventory", "inventory.internal")).resolve(null, 80);

        assertThat(d.named()).isFalse();
        assertThat(d.name()).isEqualTo(":80");
    }

    @Test
    void ruleKeepsItsName() {
        assertThat(Rule.of("inventory", " inventory.internal:8080 ").name()).isEqualTo("inventory");
    }

    @ParameterizedTest(name = "\"{0}\" is not a pattern")
    @ValueSource(
            strings = {"", " ", "*", "*.", "*.bad host", "host name", "http://host", "host/path", "[::1]:8080", "a:b:c"
            })
    void invalidPatternIsRejectedNamingIt(String pattern) {
        assertThatThrownBy(() -> Rule.of("x", pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + pattern + "\"");
    }

    @ParameterizedTest(name = "\"{0}\" has no valid port")
    @ValueSource(strings = {"host:", "host:0", "host:65536", "host:80a", "host:123456", "host:-1"})
    void invalidPortIsRejectedNamingThePattern(String pattern) {
        assertThatThrownBy(() -> Rule.of("x", pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + pattern + "\"")
                .hasMessageContaining("1-65535");
    }

    @Test
    void portsAtTheEdgesAreValid() {
        DependencyResolver r = resolver(Rule.of("low", "h:1"), Rule.of("high", "h:65535"));

        assertThat(r.resolve("h", 1).name()).isEqualTo("low");
        assertThat(r.resolve("h", 65535).name()).isEqualTo("high");
    }

    @Test
    void pastTheBoundTheLeastRecentlyUsedPairsAreForgottenAndBusyOnesKeepTheirBudget() {
        DependencyResolver r = resolver(Rule.of("inventory", "inventory.internal"));
        Dependency named = r.resolve("inventory.internal", 8080);
        Dependency early = r.resolve("busy.pods.test", 8080); // busy from the start

        Dependency late = null;
        for (int port = 1; port <= 5_000; port++) {
            r.resolve("churning.pods.test", port); // pods that churn, each host:port seen once
            assertThat(r.resolve("busy.pods.test", 8080)).isSameAs(early);
            if (port == 2_000) {
                late = r.resolve("late.pods.test", 9000); // first seen once the table is full: busy from now on
            }
            if (late != null) {
                assertThat(r.resolve("late.pods.test", 9000))
                        .as("port %d", port)
                        .isSameAs(late);
            }
            assertThat(r.cachedPairs()).isLessThanOrEqualTo(DependencyResolver.MAX_CACHED);
        }

        assertThat(r.cachedPairs()).isEqualTo(DependencyResolver.MAX_CACHED);
        assertThat(r.resolve("inventory.internal", 8080)).isSameAs(named); // named ones are never forgotten
        // the busy late-comer's budget is enforced: one budget, spent, not a fresh one per call
        GuardPolicy policy = late.policy();
        int allowed = policy.budgetMinPerSecond() * RetryBudget.SLOTS;
        for (int i = 0; i < allowed; i++) {
            assertThat(r.resolve("late.pods.test", 9000).budget().tryAcquireRetry(0))
                    .isTrue();
        }
        assertThat(r.resolve("late.pods.test", 9000).budget().tryAcquireRetry(0))
                .isFalse();
        // the oldest one-off pairs were the ones forgotten
        Dependency first = r.resolve("churning.pods.test", 1);
        assertThat(r.resolve("churning.pods.test", 1)).isSameAs(first);
        assertThat(r.resolve("churning.pods.test", 5_000)).isSameAs(r.resolve("churning.pods.test", 5_000));
    }
}
