package dev.upstreamguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a request's scope keeps for the filter, however many guarded calls the request makes. */
class RequestScopeTest {
    private final RequestScope scope = new RequestScope(null, null, null);

    private void succeed(int times) {
        for (int i = 0; i < times; i++) {
            scope.recordCall("pricing", true, "pricing:9000", null, 1, "success", 200);
        }
    }

    @Test
    void aFailureAfterSixtyFourCallsIsStillTheLastFailure() {
        succeed(64);
        scope.recordCall("inventory", true, "inventory:8080", "status", 3, "exhausted", 503);

        assertThat(scope.lastFailure()).containsEntry("dependency", "inventory").containsEntry("status", 503);
    }

    @Test
    void theLastOfManyFailuresIsTheOneKept() {
        for (int i = 1; i <= 1_000; i++) {
            scope.recordCall("inventory", true, "inventory:8080", "status", i, "exhausted", 503);
        }

        assertThat(scope.lastFailure()).containsEntry("attempts", 1_000);
        assertThat(scope.lastCall()).containsEntry("attempts", 1_000);
        assertThat(scope.callCount()).isEqualTo(1_000);
    }

    @Test
    void theLastCallIsTheOneThatEndedLastWhateverItsOutcome() {
        scope.recordCall("inventory", true, "inventory:8080", "status", 3, "exhausted", 503);
        succeed(100);

        assertThat(scope.lastCall()).containsEntry("dependency", "pricing").doesNotContainKey("failure");
        assertThat(scope.lastFailure()).containsEntry("dependency", "inventory");
    }

    @Test
    void theFailedCallThatDeliveredAnExceptionIsFoundByIdentityThroughWrappers() {
        ConnectException delivered = new ConnectException("Connection refused");
        scope.recordCall("inventory", true, "inventory:8080", "connect-failure", 3, "exhausted", -1, delivered);
        succeed(200);

        Map<String, Object> found = scope.failureDelivering(
                new IllegalStateException("lookup failed", new IOException("client", delivered)));

        assertThat(found)
                .containsEntry("dependency", "inventory")
                .containsEntry("failure", "connect-failure")
                .containsEntry("exception", "java.net.ConnectException");
        assertThat(scope.failureDelivering(delivered)).isSameAs(found);
        // The same type and message is not the same exception.
        assertThat(scope.failureDelivering(new ConnectException("Connection refused")))
                .isNull();
    }

    @Test
    void onlyTheMostRecentFailedCallsKeepWhatTheyDelivered() {
        ConnectException oldest = new ConnectException("first");
        scope.recordCall("inventory", true, "inventory:8080", "connect-failure", 3, "exhausted", -1, oldest);
        ConnectException newest = null;
        for (int i = 0; i < RequestScope.KEPT_FAILURES; i++) {
            newest = new ConnectException("later " + i);
            scope.recordCall("pricing", true, "pricing:9000", "connect-failure", 3, "exhausted", -1, newest);
        }

        assertThat(scope.failureDelivering(oldest)).isNull();
        assertThat(scope.failureDelivering(newest)).containsEntry("dependency", "pricing");
    }

    @Test
    void aCallThatSucceededOrFailedWithoutAnUpstreamFailureDeliversNothingToMatch() {
        IOException applicationsOwn = new IOException("disk full");
        scope.recordCall("inventory", true, "inventory:8080", null, 1, "not-retryable", -1, applicationsOwn);

        assertThat(scope.failureDelivering(applicationsOwn)).isNull();
        assertThat(scope.lastFailure()).isNull();
        assertThat(scope.lastCall()).doesNotContainKey("exception");
    }
}
