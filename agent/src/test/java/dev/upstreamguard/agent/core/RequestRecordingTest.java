package dev.upstreamguard.agent.core;

import static dev.upstreamguard.agent.core.EngineFakes.randoms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.agent.core.EngineFakes.FakeClock;
import dev.upstreamguard.agent.core.EngineFakes.FakeSleeper;
import dev.upstreamguard.agent.core.EngineFakes.RecordingObserver;
import dev.upstreamguard.agent.core.EngineFakes.ScriptedExchange;
import dev.upstreamguard.agent.telemetry.RequestRecording;
import dev.upstreamguard.bootstrap.RequestBridge;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine records for the filter into the scope of the request a call is made for, through
 * {@link RequestRecording}; here beside the engine's fakes, which drive real calls.
 */
class RequestRecordingTest {
    private final FakeClock clock = new FakeClock();
    private final ScriptedExchange exchange = new ScriptedExchange(clock);
    private final RecordingObserver spans = new RecordingObserver();
    private final CallGuard guard = new CallGuard(
            new DependencyResolver(List.of(), GuardPolicy.defaults(), Map.of()),
            new RequestRecording(spans),
            true,
            clock,
            new FakeSleeper(clock),
            randoms(0.5));
    private final Object scope = RequestBridge.open(null, null);
    private Object previous;

    @BeforeEach
    void attach() {
        previous = RequestBridge.attach(scope);
    }

    @AfterEach
    void detach() {
        RequestBridge.detach(previous);
    }

    private static CallRequest get() {
        return new CallRequest("GET", "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", true);
    }

    @Test
    void theExceptionHandedToTheApplicationIsRecordedWithItsCall() {
        ConnectException last = new ConnectException("refused 3");
        exchange.then(new ConnectException("refused 1"), new ConnectException("refused 2"), last);

        Throwable thrown = catchThrowable(() -> guard.execute(get(), exchange));

        assertThat(thrown).isSameAs(last);
        Map<String, Object> call = RequestBridge.failureDelivering(scope, new IllegalStateException("wrapped", thrown));
        assertThat(call)
                .containsEntry("failure", "connect-failure")
                .containsEntry("attempts", 3)
                .containsEntry("exception", "java.net.ConnectException");
        assertThat(RequestBridge.lastCall(scope)).isSameAs(call);
        // The attempts' spans were still ended, each once.
        assertThat(spans.attempts).hasSize(3).allSatisfy(a -> assertThat(a.ends).isEqualTo(1));
    }

    @Test
    void aFinal503DeliversNoExceptionButIsTheLastFailureAndTheLastCall() throws Throwable {
        exchange.statuses(503, 503, 503);

        guard.execute(get(), exchange);

        assertThat(RequestBridge.lastFailure(scope))
                .containsEntry("failure", "status")
                .containsEntry("status", 503)
                .doesNotContainKey("exception");
        assertThat(RequestBridge.lastCall(scope)).isSameAs(RequestBridge.lastFailure(scope));
    }

    @Test
    void aLaterSuccessIsTheLastCall() throws Throwable {
        exchange.statuses(503, 503, 503, 200);

        guard.execute(get(), exchange);
        guard.execute(get(), exchange);

        assertThat(RequestBridge.lastFailure(scope)).containsEntry("status", 503);
        assertThat(RequestBridge.lastCall(scope))
                .containsEntry("outcome", "success")
                .doesNotContainKey("failure");
    }

    @Test
    void aCallTheOpenBreakerRejectsIsRecordedWithTheExceptionItHandsTheApplication() {
        GuardPolicy policy = GuardPolicy.defaults().toBuilder()
                .maxAttempts(1)
                .breakerMinAttempts(2)
                .breakerOpenMillis(10_000)
                .build();
        CallGuard breaking = new CallGuard(
                new DependencyResolver(
                        List.of(DependencyResolver.Rule.of("inventory", "inventory.internal")),
                        policy,
                        Map.of("inventory", policy),
                        randoms(0.0)),
                new RequestRecording(spans),
                true,
                clock,
                new FakeSleeper(clock),
                randoms(0.0));
        exchange.then(new ConnectException("refused 1"), new ConnectException("refused 2"));
        catchThrowable(() -> breaking.execute(get(), exchange));
        catchThrowable(() -> breaking.execute(get(), exchange));

        Throwable thrown = catchThrowable(() -> breaking.execute(get(), exchange));

        assertThat(thrown).isInstanceOf(dev.upstreamguard.UpstreamUnavailableException.class);
        Map<String, Object> call = RequestBridge.failureDelivering(scope, new IllegalStateException("wrapped", thrown));
        assertThat(call)
                .as("the filter links what the application threw to the rejected call, and so names its dependency")
                .isNotNull()
                .containsEntry("failure", "circuit-open")
                .containsEntry("dependency", "inventory")
                .containsEntry("named", true)
                .containsEntry("exception", dev.upstreamguard.UpstreamUnavailableException.class.getName());
        assertThat(RequestBridge.lastCall(scope)).isSameAs(call);
    }
}
