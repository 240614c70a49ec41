package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What may be retried: failure kinds and status codes, parsed from {@code upstreamguard.retry.on}. */
class RetryOnTest {

    @Test
    void defaultsAreConnectFailureResetTimeoutAnd502To504() {
        RetryOn on = RetryOn.defaults();

        assertThat(on.kind(FailureKind.CONNECT_FAILURE)).isTrue();
        assertThat(on.kind(FailureKind.RESET)).isTrue();
        assertThat(on.kind(FailureKind.TIMEOUT)).isTrue();
        assertThat(on.kind(FailureKind.DNS_FAILURE)).isFalse();
        assertThat(on.status(502)).isTrue();
        assertThat(on.status(503)).isTrue();
        assertThat(on.status(504)).isTrue();
        assertThat(on.status(500)).isFalse();
        assertThat(on.status(429)).isFalse();
        assertThat(on).hasToString("connect-failure,reset,timeout,502,503,504");
    }

    @Test
    void parsesKindsAndStatusesIgnoringCaseSpacesAndEmptyItems() {
        RetryOn on = RetryOn.parse(" DNS-Failure , ,429,,500 ");

        assertThat(on.kind(FailureKind.DNS_FAILURE)).isTrue();
        assertThat(on.kind(FailureKind.CONNECT_FAILURE)).isFalse();
        assertThat(on.status(429)).isTrue();
        assertThat(on.status(500)).isTrue();
        assertThat(on.status(503)).isFalse();
        assertThat(on).hasToString("dns-failure,429,500");
    }

    @Test
    void emptyTextRetriesNothing() {
        RetryOn on = RetryOn.parse("");

        for (FailureKind kind : FailureKind.values()) {
            assertThat(on.kind(kind)).as(kind.label()).isFalse();
        }
        assertThat(on.status(503)).isFalse();
        assertThat(on).hasToString("");
    }

    @Test
    void statusCodesFrom100To599AreAccepted() {
        RetryOn on = RetryOn.parse("100,599");

        assertThat(on.status(100)).isTrue();
        assertThat(on.status(599)).isTrue();
    }

    @Test
    void statusQueriesOutsideTheRangeAreFalse() {
        RetryOn on = RetryOn.defaults();

        assertThat(on.status(-1)).isFalse();
        assertThat(on.status(600)).isFalse();
        assertThat(on.status(Integer.MAX_VALUE)).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {"teapot", "99", "600", "1000", "5x3", "050", "status", "-503", "connect failure"})
    void errorNamesTheBadElement(String bad) {
        assertThatThrownBy(() -> RetryOn.parse("connect-failure," + bad + ",503"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + bad + "\"")
                .hasMessageContaining("connect-failure, dns-failure, reset, timeout")
                .hasMessageContaining("100-599");
    }

    @Test
    void toStringParsesBackToTheSameRules() {
        RetryOn on = RetryOn.parse("timeout,dns-failure,500,429");

        assertThat(RetryOn.parse(on.toString())).hasToString(on.toString());
    }
}
