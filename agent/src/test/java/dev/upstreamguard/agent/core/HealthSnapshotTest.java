package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the health endpoint reads: each dependency's status in each breaker state, from memory only. */
class HealthSnapshotTest {

    private final EngineFakes.FakeClock clock = new EngineFakes.FakeClock();
    private final GuardPolicy policy =
            GuardPolicy.defaults().toBuilder().callTimeoutMillis(3_000).build();
    private final DependencyResolver resolver = new DependencyResolver(
            List.of(DependencyResolver.Rule.of("inventory", "inventory.internal")), policy, Map.of(), () -> 0.0);
    private final HealthSnapshot snapshot = new HealthSnapshot(resolver, clock);

    /** Runs {@code n} attempts through the breaker, {@code failed} of them failing, as the engine does. */
    private void attempts(Dependency d, int n, int failed) {
        for (int i = 0; i < n; i++) {
            int permit = d.breaker().tryAcquire(clock.nanoTime());
            d.breaker().record(permit, i < failed, clock.nanoTime());
            if (i < failed) {
                d.failed(FailureKind.CONNECT_FAILURE, clock.epochMillis());
            }
        }
    }

    private Map<String, Object> only() {
        List<Map<String, Object>> all = snapshot.get();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void closedAndHealthyIsUp() {
        attempts(resolver.resolve("inventory.internal", 80), 12, 2); // 17 %: under half of 50 %

        assertThat(only())
                .containsEntry("name", "inventory")
                .containsEntry("named", true)
                .containsEntry("status", "UP")
                .containsEntry("breaker", "closed")
                .containsEntry("attempts", 12)
                .containsEntry("failed", 2)
                .containsEntry("lastFailure", "connect-failure")
                .containsEntry("lastFailureAt", EngineFakes.FakeClock.START_EPOCH_MILLIS)
                .doesNotContainKey("nextProbeInSeconds");
    }

    @Test
    void closedButFailingAtHalfTheThresholdIsDegraded() {
        attempts(resolver.resolve("inventory.internal", 80), 12, 3); // 25 % = half of 50 %

        assertThat(only())
                .containsEntry("status", "DEGRADED")
                .containsEntry("breaker", "closed")
                .containsEntry("failureRate", 0.25);
    }

    @Test
    void openIsDownWithTheNextProbeThenHalfOpenIsDegradedThenClosedIsUp() {
        Dependency d = resolver.resolve("inventory.internal", 80);
        attempts(d, 10, 10);
        clock.advanceMillis(1_200);

        assertThat(only())
                .containsEntry("status", "DOWN")
                .containsEntry("breaker", "open")
                .containsEntry("nextProbeInSeconds", 4L)
                .containsEntry("attempts", 10)
                .containsEntry("failed", 10)
                .containsEntry("failureRate", 1.0);

        clock.advanceMillis(4_000);
        int probe = d.breaker().tryAcquire(clock.nanoTime()); // the first call after the open time: half-open
        assertThat(only()).containsEntry("status", "DEGRADED").containsEntry("breaker", "half-open");

        d.breaker().record(probe, false, clock.nanoTime());
        d.breaker().record(d.breaker().tryAcquire(clock.nanoTime()), false, clock.nanoTime());
        assertThat(only())
                .containsEntry("status", "UP")
                .containsEntry("breaker", "closed")
                .containsEntry("attempts", 0);
    }

    @Test
    void unnamedDependenciesAreListedByAddressAndMarkedUnnamedAndTransitionsAreReported() {
        List<String> transitions = new ArrayList<>();
        resolver.onBreakerTransition((dependency, state) -> transitions.add(dependency.name() + " " + state.label()));
        attempts(resolver.resolve("pod-7.inventory.test", 8080), 10, 10);

        assertThat(only())
                .containsEntry("name", "pod-7.inventory.test:8080")
                .containsEntry("named", false)
                .containsEntry("status", "DOWN");
        assertThat(transitions).containsExactly("pod-7.inventory.test:8080 open");
    }

    @Test
    void withoutABreakerADependencyIsUp() {
        DependencyResolver noBreaker = new DependencyResolver(
                List.of(), policy.toBuilder().breakerEnabled(false).build(), Map.of());
        noBreaker.resolve("a.internal", 80).failed(FailureKind.TIMEOUT, 42L);

        assertThat(new HealthSnapshot(noBreaker, clock).get())
                .containsExactly(Map.of(
                        "name",
                        "a.internal:80",
                        "named",
                        false,
                        "status",
                        "UP",
                        "lastFailure",
                        "timeout",
                        "lastFailureAt",
                        42L));
    }
}
