package dev.upstreamguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cascade chart's labels for the breaker's log lines. */
class CascadeEventTest {

    @Test
    void eachTransitionOfTheBreakerHasItsLabel() {
        assertThat(CascadeTest.event(
                        "[upstream-guard] circuit breaker of slow: closed -> open (10 of 10 attempts failed)"))
                .isEqualTo("breaker open");
        assertThat(CascadeTest.event("[upstream-guard] circuit breaker of slow: open -> half-open (open 5000 ms)"))
                .isEqualTo("breaker half-open (probe)");
        assertThat(CascadeTest.event("[upstream-guard] circuit breaker of slow: half-open -> open (probe failed)"))
                .isEqualTo("breaker open");
        assertThat(CascadeTest.event(
                        "[upstream-guard] circuit breaker of slow: half-open -> closed (2 probes succeeded)"))
                .isEqualTo("breaker closed");
    }
}
