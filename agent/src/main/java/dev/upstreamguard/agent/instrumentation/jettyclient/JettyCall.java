package dev.upstreamguard.agent.instrumentation.jettyclient;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.AsyncExchange;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.DeadlineWatch;
import dev.upstreamguard.agent.core.HeaderSetter;
import dev.upstreamguard.agent.core.ResponseDrain;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.HttpResponse;
import org.eclipse.jetty.client.transport.ResponseListeners;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * One guarded Jetty call. Each attempt is a copy of the application's request in the request's own
 * conversation, so that {@code Request.abort} on the application's request aborts the attempt in flight
 * (Jetty aborts a conversation's last exchange). Jetty notifies a conversation's later exchanges to the
 * first exchange's listeners too: the first attempt is sent with the call's {@link Listener}, which follows
 * the current attempt; the later ones with their {@link AttemptState}, which hears only what Jetty tells
 * the sender directly. At a response head the engine decides: a response that will be retried is read and
 * dropped, any other goes to the application's listeners as it arrives; a failure reaches them once the
 * engine ends the call. Jetty's callbacks come on its threads, one attempt at a time.
 */
final class JettyCall implements AsyncExchange<Result>, BiConsumer<Result, Throwable> {

    /** The conversation attribute that marks it as a guarded call's. */
    static final String CALL = "dev.upstreamguard.jettyclient.call";
    /** The attribute of an attempt's request that names its {@link AttemptState}. */
    private static final String ATTEMPT = "dev.upstreamguard.jettyclient.attempt";

    private static final String CONNECT_TIMEOUT = "Connect Timeout"; // Jetty's own message for it
    /**
     * Bounds each attempt's connect and read timeouts. Not Jetty's own idle timeout: lowering a request's
     * below the client's makes its connection cancel and reschedule a timer on Jetty's scheduler, and wake
     * that thread, on every call.
     */
    private static final DeadlineWatch WATCH = DeadlineWatch.shared();

    private static final HeaderSetter<HttpFields.Mutable> HEADERS = HttpFields.Mutable::put;

    private final HttpRequest original;
    private final URI uri;
    private final HttpClient client;
    /** Every response listener the application gave, the send's own last: what Jetty would have notified. */
    private final ResponseListeners application;

    private final WatchedContent watchedBody;
    private final long appTotalDeadlineNanos;
    private final Listener listener = new Listener();
    private volatile AttemptState current;

    JettyCall(
            HttpRequest original,
            URI uri,
            HttpClient client,
            Response.CompleteListener completion,
            boolean replayable) {
        this.original = original;
        this.uri = uri;
        this.client = client;
        ResponseListeners listeners = original.getResponseListeners();
        listeners.addCompleteListener(completion, true); // as Jetty's own send does
        this.application = listeners;
        Request.Content body = original.getBody();
        this.watchedBody = body == null || replayable ? null : new WatchedContent(body);
        long total = original.getTimeout();
        this.appTotalDeadlineNanos = total > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(total) : 0;
    }

    void start(CallGuard guard, CallRequest description) {
        guard.executeAsync(description, this).whenComplete(this);
    }

    /** Jetty sends a follow-up of the current attempt: a response came, so the request reached the server. */
    void followUp() {
        AttemptState state = current;
        if (state != null) {
            state.responded = true;
        }
    }

    @Override
    public long appConnectTimeoutMillis() {
        return Math.max(0, client.getConnectTimeout());
    }

    @Override
    public long appReadTimeoutMillis() {
        long idle = original.getIdleTimeout();
        return Math.max(0, idle > 0 ? idle : client.getIdleTimeout());
    }

    @Override
    public Result attempt(Attempt attempt) {
        throw new UnsupportedOperationException("Jetty's send runs its attempts asynchronously");
    }

    @Override
    public CompletableFuture<Result> attemptAsync(Attempt attempt) {
        AttemptState state = new AttemptState(attempt);
        Throwable aborted = original.getAbortCause();
        if (aborted != null) {
            state.future.completeExceptionally(aborted); // the application aborted meanwhile
            return state.future;
        }
        HttpRequest copy = original.copy(uri);
        state.request = copy;
        copy.headers(state);
        for (HttpCookie cookie : original.getCookies()) {
            copy.cookie(cookie);
        }
        for (Map.Entry<String, Object> attribute : original.getAttributes().entrySet()) {
            copy.attribute(attribute.getKey(), attribute.getValue());
        }
        copy.attribute(ATTEMPT, state);
        Request.Content body = original.getBody();
        if (watchedBody != null) {
            copy.body(watchedBody);
        } else if (body != null && attempt.number() > 1) {
            body.rewind();
        }
        if (appTotalDeadlineNanos != 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(appTotalDeadlineNanos - System.nanoTime());
            copy.timeout(Math.max(1, left), TimeUnit.MILLISECONDS); // the application's total bounds the call
        }
        copy.onRequestBegin(state);
        if (body != null) {
            copy.onRequestContent(state); // a body being sent is progress: the read timeout runs from its last chunk
        }
        current = state;
        if (attempt.enforce()) {
            // Jetty's connect timeout is the client's; this attempt's may be shorter: until the request begins
            WATCH.arm(state, Attempt.clientMillis(attempt.connectTimeoutMillis()));
        }
        // later exchanges of a conversation are notified to the first one's listeners as well
        copy.send(original.getConversation().getExchanges().isEmpty() ? listener : state);
        return state.future;
    }

    @Override
    public int status(Result result) {
        return result.getResponse().getStatus();
    }

    @Override
    public String header(Result result, String name) {
        return result.getResponse().getHeaders().get(name);
    }

    @Override
    public void discard(Result result) {
        // its body was read and dropped (or cut) as it came
    }

    @Override
    public boolean failedWhileConnecting(Throwable error) {
        AttemptState state = current;
        return state != null && !state.began;
    }

    @Override
    public boolean mayHaveBeenSent(Throwable error) {
        AttemptState state = current;
        if (state == null) {
            return false;
        }
        // the conversation's last exchange is a follow-up's (a redirect, an authentication: Jetty's copies
        // carry no attributes, the attempts' do): a response came within this attempt
        HttpExchange last = original.getConversation().getExchanges().peekLast();
        return state.responded
                || (last != null && last.getRequest().getAttributes().get(ATTEMPT) == null);
    }

    @Override
    public boolean applicationFailure(Throwable error) {
        Throwable own = watchedBody == null ? null : watchedBody.failure;
        for (Throwable t = error; own != null && t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t == own) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean cancelled() {
        return original.getAbortCause() != null;
    }

    /** The engine ended the call: the application's listeners hear how, as Jetty would have told them. */
    @Override
    public void accept(Result delivered, Throwable failure) {
        try {
            original.getConversation().removeAttribute(CALL);
            deliver(delivered, failure);
        } catch (Throwable internal) {
            AgentLog.internalError("ending a Jetty call", internal);
        }
    }

    private void deliver(Result delivered, Throwable failure) {
        AttemptState last = current;
        boolean live = last != null && last.live;
        Throwable error = failure == null ? null : applicationsView(failure);
        Throwable aborted = original.getAbortCause();
        if (aborted != null && !live) {
            error = aborted; // aborted between attempts: Jetty fails an aborted request with the abort's cause
        }
        if (error == null) {
            Response response = delivered.getResponse();
            if (!live) {
                replayHead(response); // a response the engine meant to retry and then could not
                application.notifySuccess(response);
            }
            application.notifyComplete(new Result(original, response));
            return;
        }
        Result lastResult = last == null ? null : last.result;
        Response response = lastResult == null ? new HttpResponse(original) : lastResult.getResponse();
        boolean requestFailed = lastResult == null || lastResult.getRequestFailure() != null;
        boolean responseFailed = lastResult == null || lastResult.getResponseFailure() != null || !requestFailed;
        Result result = new Result(original, requestFailed ? error : null, response, responseFailed ? error : null);
        if (live) {
            application.notifyComplete(result); // its failure was told as it happened
        } else {
            application.emitFailureComplete(result);
        }
    }

    private void replayHead(Response response) {
        application.notifyBegin(response);
        for (HttpField field : response.getHeaders()) {
            application.notifyHeader(response, field);
        }
        application.notifyHeaders(response);
    }

    /** What the engine delivered, as Jetty gave it: a timeout unwrapped, an abort as its cause. */
    private Throwable applicationsView(Throwable failure) {
        Throwable t = failure;
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CancellationException && original.getAbortCause() != null) {
            return original.getAbortCause();
        }
        if (t instanceof TimedOut) {
            Throwable jetty = t.getCause();
            for (Throwable earlier : t.getSuppressed()) {
                Throwable shown = earlier instanceof TimedOut ? earlier.getCause() : earlier;
                if (shown != jetty) {
                    jetty.addSuppressed(shown);
                }
            }
            return jetty;
        }
        return t;
    }

    /**
     * The listener of the conversation's first exchange: Jetty notifies it of the current attempt's final
     * response (after its redirects) and of its failure.
     */
    final class Listener implements Response.Listener {

        @Override
        public void onBegin(Response response) {
            AttemptState state = current;
            if (state != null) {
                state.responded = true;
                state.progress();
            }
        }

        @Override
        public boolean onHeader(Response response, HttpField field) {
            return true;
        }

        @Override
        public void onHeaders(Response response) {
            AttemptState state = current;
            if (state == null) {
                return;
            }
            state.responded = true;
            state.progress();
            state.retried = state.attempt.retriedAfterHead(
                    response.getStatus(), response.getHeaders().get("Retry-After"));
            state.live = !state.retried;
            if (state.live) {
                replayHead(response);
            }
        }

        @Override
        public void onContentSource(Response response, Content.Source source) {
            AttemptState state = current;
            if (state != null && state.retried) {
                state.drain(source);
            } else if (application.hasContentSourceListeners()) {
                application.notifyContentSource(response, state == null ? source : state.watched(source));
            } else {
                Content.Source.consumeAll(source, Callback.NOOP); // as Jetty does when nobody reads the body
            }
        }

        @Override
        public void onSuccess(Response response) {
            AttemptState state = current;
            if (state != null && state.live) {
                application.notifySuccess(response);
            }
        }

        @Override
        public void onFailure(Response response, Throwable failure) {
            AttemptState state = current;
            if (state != null && state.live) {
                application.notifyFailure(response, failure);
            }
        }

        @Override
        public void onComplete(Result result) {
            Object own = result.getRequest().getAttributes().get(ATTEMPT);
            AttemptState state = own instanceof AttemptState ? (AttemptState) own : current; // a follow-up's: current
            if (state != null) {
                state.finish(result);
            }
        }
    }

    /**
     * One attempt: its request's begin (the connect is over), its connect deadline, its headers, and the
     * completion Jetty tells its sender directly (a failure before the attempt joined the conversation).
     */
    final class AttemptState extends DeadlineWatch.Deadline
            implements Request.BeginListener,
                    Request.ContentListener,
                    Response.CompleteListener,
                    Consumer<HttpFields.Mutable> {
        final Attempt attempt;
        final CompletableFuture<Result> future = new CompletableFuture<>();
        HttpRequest request;
        volatile boolean began;
        volatile boolean responded;
        /** The head was not retried: the application's listeners hear this response as it arrives. */
        volatile boolean live;
        /** The head will be retried: its body is dropped. */
        volatile boolean retried;

        volatile Result result;
        private long drainStartNanos;
        private long drained;

        AttemptState(Attempt attempt) {
            this.attempt = attempt;
        }

        /** The attempt's headers: the application's, then the attempt's own (the engine's, through the setter). */
        @Override
        public void accept(HttpFields.Mutable headers) {
            headers.clear().add(original.getHeaders());
            attempt.writeHeaders(headers, HEADERS);
        }

        /** The request begins on a connection: the connect timeout is over, the read timeout starts. */
        @Override
        public void onBegin(Request request) {
            began = true;
            progress();
        }

        @Override
        public void onContent(Request request, java.nio.ByteBuffer content) {
            progress();
        }

        /** Bytes moved: the read timeout runs again from now. */
        void progress() {
            if (attempt.enforce()) {
                WATCH.rearm(this, Attempt.clientMillis(attempt.readTimeoutMillis()));
            }
        }

        /** The response body as the application reads it: each chunk read is progress. */
        Content.Source watched(Content.Source source) {
            return attempt.enforce() ? new ProgressSource(source, this) : source;
        }

        /**
         * No connection within the connect timeout, or no byte within the read timeout: the attempt is
         * aborted as Jetty aborts its own (its connect timeout's exception, its idle timeout's).
         */
        @Override
        protected void expire() {
            if (!began) {
                request.abort(new SocketTimeoutException(CONNECT_TIMEOUT));
            } else {
                long millis = Attempt.clientMillis(attempt.readTimeoutMillis());
                request.abort(new TimeoutException("Idle timeout expired: " + millis + "/" + millis + " ms"));
            }
        }

        @Override
        public void onComplete(Result result) {
            if (result.isFailed()) {
                finish(result); // a success also reaches the call's Listener, and only that one counts
            }
        }

        void finish(Result result) {
            if (future.isDone()) {
                return;
            }
            disarm();
            this.result = result;
            if (result.isSucceeded() || retried) {
                future.complete(result); // a retried response whose drain was cut still is its status
            } else {
                Throwable failure = result.getFailure();
                future.completeExceptionally(
                        failure instanceof TimeoutException ? new TimedOut((TimeoutException) failure) : failure);
            }
        }

        /**
         * Reads and drops a retried response's body within {@link ResponseDrain}'s bounds; past them the
         * response is failed, which closes its connection instead of waiting for a body that dribbles.
         */
        void drain(Content.Source source) {
            if (drainStartNanos == 0) {
                drainStartNanos = System.nanoTime();
            }
            while (true) {
                Content.Chunk chunk = source.read();
                if (chunk == null) {
                    source.demand(() -> drain(source));
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    return;
                }
                drained += chunk.getByteBuffer().remaining();
                progress();
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    return;
                }
                if (drained > ResponseDrain.MAX_BYTES
                        || System.nanoTime() - drainStartNanos
                                > TimeUnit.MILLISECONDS.toNanos(ResponseDrain.MAX_MILLIS)) {
                    source.fail(new CancellationException("upstream-guard: a retried response's body is dropped"));
                    return;
                }
            }
        }
    }

    /**
     * Jetty's idle or total timeout ({@code java.util.concurrent.TimeoutException}) as the engine knows a
     * timeout, so it is classified and retried like every client's; never reaches the application.
     */
    static final class TimedOut extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        TimedOut(TimeoutException jetty) {
            super("upstream-guard: Jetty timed out");
            initCause(jetty);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
