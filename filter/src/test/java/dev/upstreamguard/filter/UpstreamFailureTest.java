package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class UpstreamFailureTest {

    @Test
    void fromAnExceptionKnowsOnlyKindAndType() {
        UpstreamFailure failure =
                UpstreamFailure.fromException(UpstreamFailureKind.CONNECT_FAILURE, new ConnectException());

        assertThat(failure)
                .isEqualTo(new UpstreamFailure(
                        UpstreamFailureKind.CONNECT_FAILURE, null, null, 0, "java.net.ConnectException"));
        assertThat(failure.dependencyOrAddress()).isNull();
        assertThat(failure.toString()).contains("connect-failure", "java.net.ConnectException");
    }

    @Test
    void dependencyNameComesBeforeAddressOnSpans() {
        assertThat(new UpstreamFailure(UpstreamFailureKind.RESET, "inventory", "i:1", 1, null).dependencyOrAddress())
                .isEqualTo("inventory");
        assertThat(new UpstreamFailure(UpstreamFailureKind.RESET, null, "i:1", 1, null).dependencyOrAddress())
                .isEqualTo("i:1");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new UpstreamFailure(null, null, null, 0, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new UpstreamFailure(UpstreamFailureKind.RESET, null, null, -1, null))
                .hasMessage("attempts: -1 is negative (expected 0 for unknown, or 1 and more)");
        assertThatThrownBy(() -> new UpstreamFailure(UpstreamFailureKind.RESET, " ", null, 0, null))
                .hasMessage("dependency: must be null (unknown) or non-blank, was \" \"");
    }

    @Test
    void kindsHaveTheirSpecNames() {
        assertThat(UpstreamFailureKind.values())
                .extracting(UpstreamFailureKind::value)
                .containsExactly(
                        "connect-failure",
                        "dns-failure",
                        "reset",
                        "timeout",
                        "status",
                        "other",
                        "circuit-open",
                        "concurrency-limit");
    }
}
