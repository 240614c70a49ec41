package dev.upstreamguard.agent.core;

import static dev.upstreamguard.agent.core.EngineFakes.randoms;
import static dev.upstreamguard.agent.core.EngineFakes.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.agent.core.EngineFakes.FakeClock;
import dev.upstreamguard.agent.core.EngineFakes.FakeResponse;
import dev.upstreamguard.agent.core.EngineFakes.FakeSleeper;
import dev.upstreamguard.agent.core.EngineFakes.RecordingObserver;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Attempt#retriedAfterHead}: an adapter asks at the response head, before any byte of the body,
 * whether the attempt will be retried, and the engine keeps to that answer however the body then ends.
 */
class HeadDecisionTest {

    private static final GuardPolicy POLICY = GuardPolicy.defaults().toBuilder()
            .backoffInitialMillis(100)
            .backoffMaxMillis(1_000)
            .build();

    private final FakeClock clock = new FakeClock();
    private final FakeSleeper sleeper = new FakeSleeper(clock);
    private final RecordingObserver observer = new RecordingObserver();
    private final HeadFirstExchange exchange = new HeadFirstExchange();

    private CallGuard guard(GuardPolicy policy, boolean enforce) {
        return new CallGuard(
                new DependencyResolver(List.of(), policy, Map.of()), observer, enforce, clock, sleeper, randoms(0.5));
    }

    private static CallRequest get() {
        return new CallRequest("GET", "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", true);
    }

    @Test
    void aRetryDecidedAtTheHeadHappensEvenWhenTheDiscardedBodyFails() throws Throwable {
        exchange.head(503, new IOException("body cut short")).head(200, response(200));

        FakeResponse result = guard(POLICY, true).execute(get(), exchange);

        assertThat(result.status).isEqualTo(200);
        assertThat(exchange.answers).containsExactly(true, false);
        assertThat(sleeper.sleeps).hasSize(1);
        assertThat(observer.attempt(2).outcome).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void aResponseGivenToTheApplicationsReaderIsFinalEvenWhenItsBodyFails() {
        IOException cut = new IOException("body cut short");
        exchange.head(200, cut).head(200, response(200));

        Throwable thrown = catchThrowable(() -> guard(POLICY, true).execute(get(), exchange));

        assertThat(thrown).isSameAs(cut);
        assertThat(exchange.answers).containsExactly(false);
        assertThat(observer.attempts).hasSize(1);
        assertThat(observer.attempt(1).outcome).isEqualTo(Outcome.NOT_RETRYABLE);
    }

    @Test
    void theLastAttemptsHeadIsNotRetriedAndItsResponseIsDelivered() throws Throwable {
        FakeResponse last = response(503);
        exchange.head(503, response(503)).head(503, last);

        FakeResponse result =
                guard(POLICY.toBuilder().maxAttempts(2).build(), true).execute(get(), exchange);

        assertThat(result).isSameAs(last);
        assertThat(exchange.answers).containsExactly(true, false);
        assertThat(observer.attempt(2).outcome).isEqualTo(Outcome.EXHAUSTED);
    }

    @Test
    void observeModeNeverAnswersRetry() throws Throwable {
        exchange.head(503, response(503));

        guard(POLICY, false).execute(get(), exchange);

        assertThat(exchange.answers).containsExactly(false);
    }

    /** Each attempt: a head with a status, asked about first, then a response or a failure of its body. */
    private static final class HeadFirstExchange implements Exchange<FakeResponse> {
        final Deque<Object[]> script = new ArrayDeque<>();
        final List<Boolean> answers = new ArrayList<>();

        HeadFirstExchange head(int status, Object then) {
            script.addLast(new Object[] {status, then});
            return this;
        }

        @Override
        public long appConnectTimeoutMillis() {
            return 0;
        }

        @Override
        public long appReadTimeoutMillis() {
            return 0;
        }

        @Override
        public FakeResponse attempt(Attempt attempt) throws Throwable {
            Object[] step = script.removeFirst();
            answers.add(attempt.retriedAfterHead((Integer) step[0], null));
            if (step[1] instanceof Throwable) {
                throw (Throwable) step[1];
            }
            return (FakeResponse) step[1];
        }

        @Override
        public int status(FakeResponse response) {
            return response.status;
        }

        @Override
        public String header(FakeResponse response, String name) {
            return response.headers.get(name);
        }

        @Override
        public void discard(FakeResponse response) {}
    }
}
