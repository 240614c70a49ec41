package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.ResponseDrain;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

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
        if (attempt.retriedAfterHead(
                info.statusCode(), info.headers().firstValue("Retry-After").orElse(null))) {
            return new BoundedDiscard();
        }
        return application.apply(info);
    }

    /**
     * Reads and drops a retried response's body, as {@link ResponseDrain} does for the socket clients: at
     * most {@link ResponseDrain#MAX_BYTES} or {@link ResponseDrain#MAX_MILLIS}, then it cancels the
     * subscription, which closes the connection instead of waiting for a body that dribbles.
     */
    static final class BoundedDiscard implements HttpResponse.BodySubscriber<Object> {
        private final CompletableFuture<Object> done = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private long startNanos;
        private long bytes;

        @Override
        public CompletionStage<Object> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            startNanos = System.nanoTime();
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                bytes += b.remaining();
            }
            if (bytes > ResponseDrain.MAX_BYTES
                    || System.nanoTime() - startNanos > ResponseDrain.MAX_MILLIS * 1_000_000L) {
                subscription.cancel();
                done.complete(null); // enough: the connection goes, the retry does not wait for the rest
            }
        }

        @Override
        public void onError(Throwable error) {
            done.complete(null); // a body nobody reads: its failure does not fail the retried attempt
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
