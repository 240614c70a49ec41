package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.Attempt;
import java.net.http.HttpResponse;

/**
 * The body handler one enforced attempt is sent with. At the response head, before any byte of the body,
 * it disarms the attempt's deadline and asks the engine whether the attempt will be retried: a response
 * that will be is read by a discarding subscriber, so that the application's own handler (a file it
 * writes, a subscriber it owns) sees only the response the application is finally given.
 */
final class AttemptBodyHandler implements HttpResponse.BodyHandler<Object> {

    private final Attempt attempt;
    private final ResponseDeadline deadline;
    private final HttpResponse.BodyHandler<Object> application;

    /** @param deadline the attempt's deadline, or null when the request's own timeout bounds it */
    AttemptBodyHandler(Attempt attempt, ResponseDeadline deadline, HttpResponse.BodyHandler<Object> application) {
        this.attempt = attempt;
        this.deadline = deadline;
        this.application = application;
    }

    @Override
    @SuppressWarnings("unchecked")
    public HttpResponse.BodySubscriber<Object> apply(HttpResponse.ResponseInfo info) {
        if (deadline != null) {
            deadline.stop();
        }
        if (attempt.retriedAfterHead(info.statusCode(), info.headers().firstValue("Retry-After").orElse(null))) {
            return (HttpResponse.BodySubscriber<Object>) (HttpResponse.BodySubscriber<?>)
                    HttpResponse.BodySubscribers.discarding();
        }
        return application.apply(info);
    }
}
