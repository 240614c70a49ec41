package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.AsyncExchange;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.DeadlineWatch;
import dev.upstreamguard.agent.core.HeaderSetter;
import dev.upstreamguard.bootstrap.Bridge;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Runs the attempts of one {@code HttpClient.send}/{@code sendAsync} call: each attempt is a copy of
 * the application's request with the attempt's trace headers, sent through the same client while the
 * bridge lets it pass. The attempt's read timeout bounds the wait for the response head: a
 * {@link ResponseDeadline} where the JDK lets the agent abort an exchange (Java 16 and newer), else the
 * copy's own request timeout.
 */
final class JdkHttpExchange implements AsyncExchange<HttpResponse<Object>> {

    private static final HeaderSetter<HttpRequest.Builder> HEADERS = HttpRequest.Builder::setHeader;

    private final JdkHttpClientHooks hooks;
    private final HttpClient client;
    private final HttpRequest request;
    private final HttpResponse.BodyHandler<Object> handler;
    private final HttpResponse.PushPromiseHandler<Object> pushPromiseHandler;
    /** The client follows responses up itself (redirects, authentication): watch for it per attempt. */
    private final boolean followsUp;
    /** Set when the current attempt's exchange followed a response up: its request may have been sent. */
    private final boolean[] followedUp = new boolean[1];
    /** The application's own body publisher, watched for its failures; null when the JDK's own. */
    private final WatchedPublisher watchedBody;

    @SuppressWarnings("unchecked")
    JdkHttpExchange(
            JdkHttpClientHooks hooks,
            HttpClient client,
            HttpRequest request,
            Object handler,
            Object pushPromiseHandler) {
        this.hooks = hooks;
        this.client = client;
        this.request = request;
        this.handler = (HttpResponse.BodyHandler<Object>) handler;
        this.pushPromiseHandler = (HttpResponse.PushPromiseHandler<Object>) pushPromiseHandler;
        this.followsUp = client.followRedirects() != HttpClient.Redirect.NEVER
                || client.authenticator().isPresent();
        HttpRequest.BodyPublisher body = request.bodyPublisher().orElse(null);
        this.watchedBody = body != null && !hooks.replayable(body) ? new WatchedPublisher(body) : null;
    }

    @Override
    public boolean mayHaveBeenSent(Throwable error) {
        return followedUp[0];
    }

    @Override
    public boolean applicationFailure(Throwable error) {
        Throwable own = watchedBody == null ? null : watchedBody.failure;
        if (own == null) {
            return false;
        }
        Throwable t = error;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t == own || t == own.getCause()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long appConnectTimeoutMillis() {
        // Bounded when the client was built (the shorter of the application's and the agent's): reported
        // as it is, so that the span shows the application's when it was the shorter.
        return client.connectTimeout().map(Duration::toMillis).orElse(0L);
    }

    @Override
    public long appReadTimeoutMillis() {
        return request.timeout().map(Duration::toMillis).orElse(0L);
    }

    @Override
    public IOException timeoutException(String message) {
        return new java.net.http.HttpTimeoutException(message); // what send throws for its own request timeout
    }

    @Override
    public HttpResponse<Object> attempt(Attempt attempt) throws IOException, InterruptedException {
        ResponseDeadline deadline = deadlineFor(attempt, hooks.syncDeadlines());
        HttpRequest copy = requestFor(attempt, deadline == null);
        watchFollowUps(copy);
        Bridge.beginPassThrough();
        HttpResponse.BodyHandler<Object> attemptHandler = handlerFor(attempt, deadline);
        if (deadline == null) {
            try {
                return client.send(copy, attemptHandler);
            } finally {
                Bridge.endPassThrough();
                unwatchFollowUps(copy);
            }
        }
        deadline.expectFutureOnThisThread();
        try {
            HttpResponse<Object> response = client.send(copy, attemptHandler);
            if (!deadline.started()) {
                hooks.syncDeadlinesUnavailable(); // this JDK's send makes its future elsewhere: no more of this
            }
            return response;
        } catch (IOException | CancellationException e) {
            // the watch cancelled the exchange: "Request cancelled" (Java 17) or a CancellationException
            if (deadline.fired()) {
                throw ResponseDeadline.timeout();
            }
            throw e;
        } finally {
            deadline.endOnThisThread();
            Bridge.endPassThrough();
            unwatchFollowUps(copy);
        }
    }

    private void watchFollowUps(HttpRequest copy) {
        followedUp[0] = false;
        if (watchedBody != null) {
            watchedBody.failure = null;
        }
        if (followsUp) {
            hooks.watch(copy, followedUp);
        }
    }

    private void unwatchFollowUps(HttpRequest copy) {
        if (followsUp) {
            hooks.unwatch(copy);
        }
    }

    @Override
    public CompletableFuture<HttpResponse<Object>> attemptAsync(Attempt attempt) {
        ResponseDeadline deadline = deadlineFor(attempt, hooks.asyncDeadlines());
        HttpRequest copy = requestFor(attempt, deadline == null);
        HttpResponse.BodyHandler<Object> watched = handlerFor(attempt, deadline);
        CompletableFuture<HttpResponse<Object>> jdkFuture;
        watchFollowUps(copy);
        Bridge.beginPassThrough();
        try {
            jdkFuture = pushPromiseHandler == null
                    ? client.sendAsync(copy, watched)
                    : client.sendAsync(copy, watched, pushPromiseHandler);
        } catch (RuntimeException | Error e) {
            unwatchFollowUps(copy);
            throw e;
        } finally {
            Bridge.endPassThrough();
        }
        if (followsUp) {
            jdkFuture.whenComplete((r, t) -> unwatchFollowUps(copy));
        }
        if (deadline == null) {
            return jdkFuture;
        }
        deadline.start(jdkFuture);
        ResponseDeadline.AttemptFuture attemptFuture = new ResponseDeadline.AttemptFuture(jdkFuture, deadline);
        jdkFuture.whenComplete(attemptFuture);
        return attemptFuture;
    }

    /** The application's handler, or in enforce mode the one that reads a response to be retried itself. */
    private HttpResponse.BodyHandler<Object> handlerFor(Attempt attempt, ResponseDeadline deadline) {
        return attempt.enforce() ? new AttemptBodyHandler(attempt, deadline, handler) : handler;
    }

    /** The deadline that bounds this attempt's wait for its head, or null when the request's timeout does. */
    private static ResponseDeadline deadlineFor(Attempt attempt, DeadlineWatch watch) {
        return attempt.enforce() && watch != null ? new ResponseDeadline(watch, attempt.readTimeoutMillis()) : null;
    }

    @Override
    public int status(HttpResponse<Object> response) {
        return response.statusCode();
    }

    @Override
    public String header(HttpResponse<Object> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public void discard(HttpResponse<Object> response) {
        Object body = response.body();
        try {
            if (body instanceof AutoCloseable) {
                ((AutoCloseable) body).close(); // ofInputStream, ofLines: closing releases the connection
            } else if (body instanceof Flow.Publisher) {
                @SuppressWarnings("unchecked")
                Flow.Publisher<List<ByteBuffer>> publisher = (Flow.Publisher<List<ByteBuffer>>) body;
                publisher.subscribe(new CancellingSubscriber());
            }
        } catch (Exception ignored) {
            // the connection is being torn down anyway; nothing the application could act on
        }
    }

    /**
     * The application's request with this attempt's trace headers and, when {@code timeoutInRequest},
     * its timeout. Without it, an enforced attempt's copy has no timeout: its deadline bounds the head.
     */
    private HttpRequest requestFor(Attempt attempt, boolean timeoutInRequest) {
        boolean setTimeout = attempt.enforce() && timeoutInRequest;
        // a follow-up is told apart by the attempt's own request object, and a watched body needs a copy
        if (!attempt.hasHeaders() && !setTimeout && !followsUp && watchedBody == null) {
            return request;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri());
        HttpRequest.BodyPublisher body =
                watchedBody != null ? watchedBody : request.bodyPublisher().orElse(null);
        String method = request.method();
        if (body == null && "GET".equals(method)) {
            b.GET();
        } else if (body == null && "DELETE".equals(method)) {
            b.DELETE();
        } else {
            b.method(method, body != null ? body : HttpRequest.BodyPublishers.noBody());
        }
        for (Map.Entry<String, List<String>> header : request.headers().map().entrySet()) {
            String name = header.getKey();
            if (attempt.writesHeader(name)) {
                continue;
            }
            for (String value : header.getValue()) {
                b.header(name, value);
            }
        }
        attempt.writeHeaders(b, HEADERS);
        b.expectContinue(request.expectContinue());
        request.version().ifPresent(b::version);
        if (setTimeout) {
            b.timeout(Duration.ofMillis(attempt.readTimeoutMillis()));
        } else if (!attempt.enforce()) {
            request.timeout().ifPresent(b::timeout);
        }
        return b.build();
    }

    /**
     * The application's own body publisher, remembering the failure it signals (its stream or serializer
     * failing): that failure is the application's, not the upstream's.
     */
    private static final class WatchedPublisher implements HttpRequest.BodyPublisher {
        private final HttpRequest.BodyPublisher body;
        volatile Throwable failure;

        WatchedPublisher(HttpRequest.BodyPublisher body) {
            this.body = body;
        }

        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            body.subscribe(new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    failure = throwable;
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    /** Reads nothing: cancelling the subscription releases the exchange. */
    private static final class CancellingSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
    }
}
