package dev.upstreamguard.filter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The filter's state for one request, kept as the request attribute {@value #ATTRIBUTE} so that async and
 * error re-dispatches find it: the server span, the response to answer on, and whether a failure has
 * already been decided. As an {@link AsyncListener} it answers failures reported through {@code onError}
 * and ends the span when an asynchronous request completes. Thread-safe.
 */
final class GuardedRequest implements AsyncListener {
    static final String ATTRIBUTE = GuardedRequest.class.getName();

    private final HttpServletRequest request;
    private final String method;
    private final String path;
    private final HttpServletResponse response;
    private final RequestTrace span;
    private final UpstreamFailureHandler handler;
    private final AtomicBoolean decided = new AtomicBoolean();
    private final AtomicBoolean listening = new AtomicBoolean();

    GuardedRequest(
            HttpServletRequest request,
            HttpServletResponse response,
            RequestTrace span,
            UpstreamFailureHandler handler) {
        this.request = request;
        // Taken now: during a later error dispatch the request reports the error page's path.
        this.method = request.getMethod();
        this.path = request.getRequestURI();
        this.response = response;
        this.span = span;
        this.handler = handler;
    }

    static GuardedRequest of(HttpServletRequest request) {
        Object state = request.getAttribute(ATTRIBUTE);
        return state instanceof GuardedRequest ? (GuardedRequest) state : null;
    }

    HttpServletRequest request() {
        return request;
    }

    /** The request's method, as it arrived. */
    String method() {
        return method;
    }

    /** The request's path (without the query), as it arrived. */
    String path() {
        return path;
    }

    HttpServletResponse response() {
        return response;
    }

    /** The request's trace: its SERVER span and the agent's scope. */
    RequestTrace span() {
        return span;
    }

    /** @return true for the first caller only: a request's failure is decided once, whichever path sees it. */
    boolean claimDecision() {
        return decided.compareAndSet(false, true);
    }

    /** Follows an asynchronous request to its end; registers at most once per async cycle. */
    void listenTo(AsyncContext asyncContext) {
        if (listening.compareAndSet(false, true)) {
            asyncContext.addListener(this);
        }
    }

    /** Ends the span with the response's final status (the filter's own span only). */
    void end() {
        span.end(response.getStatus());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end();
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable failure = event.getThrowable();
        if (failure != null && handler.handle(this, failure)) {
            event.getAsyncContext().complete();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // An async timeout is the application's own deadline, not an upstream failure: the container answers it.
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // A new startAsync() drops the listeners of the previous cycle; stay registered for the new one.
        event.getAsyncContext().addListener(this);
    }
}
