package dev.upstreamguard.filter;

import io.opentelemetry.context.Scope;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns an unhandled upstream failure into a clean {@code 502 Bad Gateway} (or {@code 504 Gateway Timeout})
 * {@code application/problem+json} response, and records which dependency failed on the request's
 * OpenTelemetry SERVER span.
 *
 * <p>An exception escaping the filter chain is an upstream failure when its cause chain holds an exception
 * the Upstream Guard agent handed to the application from a failed call (by identity), or a known upstream
 * failure type ({@code ConnectException}, {@code SocketTimeoutException}, {@code UnknownHostException},
 * connection resets, a TLS handshake failure, their Apache HttpClient and OkHttp equivalents, Spring's {@code
 * ResourceAccessException}, ...) or a type named in {@code upstream-exceptions}; or, with the agent, when the
 * request's last guarded call failed and the exception is not a plain programming error (the application
 * turned the bad answer into its own exception). Types are matched by name, so no client library needs to be
 * on the class path. The application's own bugs and the downstream client going away (Jetty's {@code
 * EofException}, Tomcat's {@code ClientAbortException}) pass through untouched.
 * A response that is already committed is never rewritten: the failure is recorded and rethrown.
 *
 * <p>Init-params, all optional:
 *
 * <dl>
 *   <dt>{@code failure-status}
 *   <dd>Status for an upstream failure, 500 to 599. Default {@code 502}.
 *   <dt>{@code timeout-status}
 *   <dd>Status for an upstream timeout, 500 to 599. Default {@code 504}.
 *   <dt>{@code expose-dependency}
 *   <dd>What the response body may name: {@code name} (the configured logical name of the dependency, when
 *       one is known), {@code address} (the name and the upstream's {@code host:port}) or {@code none}.
 *       Default {@code name}.
 *   <dt>{@code upstream-exceptions}
 *   <dd>Comma-separated fully qualified exception class names (subclasses included) that also count as
 *       upstream failures. Default empty.
 *   <dt>{@code unavailable-status}
 *   <dd>Status for a call the agent rejected without sending it (its circuit breaker open, its concurrency
 *       limit reached), 500 to 599, sent with {@code Retry-After}. Default {@code 503}.
 *   <dt>{@code health-path}
 *   <dd>A path (after the context path), e.g. {@code /upstream-guard/health}, that the filter answers itself
 *       with the agent's view of its dependencies as JSON ({@code UP}, {@code DEGRADED}, {@code DOWN} each;
 *       {@code UNKNOWN} without the agent), from memory, without probing; a method other than {@code GET}
 *       or {@code HEAD} is answered {@code 405}. Dependencies are named as {@code expose-dependency} allows.
 *       Default: none (off).
 *   <dt>{@code health-down-status}
 *   <dd>The status of the health answer while any dependency is {@code DOWN}, 200 to 599. Default {@code
 *       200}, since a readiness probe must not take every instance out because a dependency is down.
 * </dl>
 *
 * <p>An invalid or unknown init-param fails {@link #init}, naming the parameter, the value and what was
 * expected.
 *
 * <p>Spans: if a valid span is current when the filter runs, another instrumentation made the server
 * span and the filter only adds the failure to it; otherwise the filter starts a SERVER span, continuing
 * the caller's W3C {@code traceparent}. The {@code OpenTelemetry} instance is the servlet context attribute
 * {@code io.opentelemetry.api.OpenTelemetry} when set, else {@code GlobalOpenTelemetry}. Without an SDK the
 * responses are the same: {@code traceId} and {@code traceresponse} (flag {@code 00}) then continue the
 * caller's valid {@code traceparent}, read by hand, or carry a fresh random trace id.
 *
 * <p>Declare it with {@code <async-supported>true</async-supported>}. Failures of asynchronous requests
 * are answered through an {@code AsyncListener} and, when the mapping includes them, on async and error
 * dispatches; applications that rethrow failures on an {@code AsyncContext.dispatch()} should map the
 * filter with {@code <dispatcher>ASYNC</dispatcher>} as well, since containers do not reliably report
 * those to listeners. Each request's failure is decided once. Thread-safe.
 */
public class UpstreamGuardFilter implements Filter {
    private final UpstreamFailureClassifier preferredClassifier;
    private final RequestTracer tracer = new RequestTracer();
    private volatile UpstreamFailureHandler handler;
    private volatile FilterSettings settings = FilterSettings.defaults();
    private volatile Supplier<List<Map<String, Object>>> health = HealthEndpoint.AGENT;

    /** The filter as declared in {@code web.xml}: failures are classified from their exception chain. */
    public UpstreamGuardFilter() {
        this(null);
    }

    /**
     * A filter for programmatic registration that asks {@code classifier} first and falls back to the
     * exception chain when it returns {@code null}.
     *
     * @param classifier a classifier that knows more than the exceptions (for example which dependency
     *     failed), or {@code null}
     */
    public UpstreamGuardFilter(UpstreamFailureClassifier classifier) {
        this.preferredClassifier = classifier;
        this.handler = new UpstreamFailureHandler(FilterSettings.defaults(), classifier);
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        FilterSettings settings;
        try {
            settings = FilterSettings.parse(Collections.list(config.getInitParameterNames()), config::getInitParameter);
        } catch (IllegalArgumentException e) {
            throw new ServletException(
                    "Filter \"" + config.getFilterName() + "\" (" + getClass().getName() + "): " + e.getMessage());
        }
        handler = new UpstreamFailureHandler(settings, preferredClassifier);
        this.settings = settings;
    }

    /** Tests: the health endpoint reads {@code source} instead of the agent (null: as without the agent). */
    void healthSource(Supplier<List<Map<String, Object>>> source) {
        this.health = source;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        if (!(servletRequest instanceof HttpServletRequest) || !(servletResponse instanceof HttpServletResponse)) {
            chain.doFilter(servletRequest, servletResponse);
            return;
        }
        long arrivalNanos = System.nanoTime();
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        FilterSettings settings = this.settings;
        if (settings.healthPath() != null
                && request.getDispatcherType() == DispatcherType.REQUEST
                && isHealthPath(request, settings.healthPath())) {
            HealthEndpoint.answer(request, response, settings, health);
            return;
        }
        GuardedRequest guarded = GuardedRequest.of(request);
        DispatcherType dispatch = request.getDispatcherType();
        if (guarded != null) {
            if (dispatch == DispatcherType.ASYNC) {
                asyncDispatch(guarded, request, response, chain);
            } else if (dispatch == DispatcherType.ERROR) {
                errorDispatch(guarded, request, response, chain);
            } else {
                chain.doFilter(request, response); // a forward or include inside a request we already guard
            }
        } else if (dispatch == DispatcherType.ERROR || dispatch == DispatcherType.ASYNC) {
            chain.doFilter(request, response); // a request we did not see start: not ours to trace or answer
        } else {
            requestDispatch(request, response, chain, settings, arrivalNanos);
        }
    }

    @SuppressWarnings("try") // the scope is only held open
    private void requestDispatch(
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain,
            FilterSettings settings,
            long arrivalNanos)
            throws IOException, ServletException {
        UpstreamFailureHandler handler = this.handler;
        RequestTrace trace = tracer.startOrAdopt(request);
        giveDeadline(request, trace, settings, arrivalNanos);
        GuardedRequest guarded = new GuardedRequest(request, response, trace, handler);
        request.setAttribute(GuardedRequest.ATTRIBUTE, guarded);
        boolean answered = false;
        Throwable escaped = null;
        try (Scope ignored = guarded.span().makeCurrent()) {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            answered = handler.handle(guarded, e);
            if (!answered) {
                escaped = e;
                throw e;
            }
            completeIfAsync(request);
        } finally {
            if (!answered && request.isAsyncStarted()) {
                guarded.listenTo(request.getAsyncContext());
            } else if (escaped != null && !response.isCommitted() && !ClientAbort.isClientAbort(escaped)) {
                guarded.span().end(HttpServletResponse.SC_INTERNAL_SERVER_ERROR); // what the container will send
            } else {
                guarded.end();
            }
        }
    }

    /**
     * Hands the request's deadline, if it has one, to the agent through its scope (making one when the request
     * has none yet, as when no trace is recorded), so that the agent caps every guarded call made for it.
     */
    private static void giveDeadline(
            HttpServletRequest request, RequestTrace trace, FilterSettings settings, long arrivalNanos) {
        AgentLink agent = trace.agent();
        if (agent == null) {
            agent = AgentLink.find();
            if (agent == null) {
                return; // without the agent, no outgoing call to cap: the headers are not even read
            }
        }
        if (!agent.takesDeadlines()) {
            return;
        }
        long timeoutNanos = InboundDeadline.timeoutNanos(
                settings.requestTimeoutNanos(),
                request.getHeaders(InboundDeadline.TIMEOUT_MS_HEADER),
                request.getHeaders(InboundDeadline.GRPC_TIMEOUT_HEADER));
        if (timeoutNanos == InboundDeadline.NONE) {
            return;
        }
        Object scope = trace.agentScope();
        if (scope == null) {
            scope = agent.open(null, null);
            trace.linkedTo(agent, scope);
        }
        agent.deadline(scope, arrivalNanos + timeoutNanos);
    }

    /** An {@code AsyncContext.dispatch()} of a request we guard: answer an upstream failure it throws. */
    @SuppressWarnings("try") // the scope is only held open
    private void asyncDispatch(
            GuardedRequest guarded, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean answered = false;
        try (Scope ignored = guarded.span().makeCurrent()) {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            answered = handler.handle(guarded, e);
            if (!answered) {
                throw e;
            }
            completeIfAsync(request);
        } finally {
            if (!answered && request.isAsyncStarted()) {
                guarded.listenTo(request.getAsyncContext());
            }
        }
    }

    /**
     * An error dispatch of a request we guard. If its failure was not decided yet (it reached the container
     * without passing the filter or its listener), an upstream failure is answered here instead of the
     * error page.
     */
    private void errorDispatch(
            GuardedRequest guarded, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Object error = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (error instanceof Throwable && handler.handle(guarded, (Throwable) error)) {
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isHealthPath(HttpServletRequest request, String healthPath) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return uri != null
                && uri.length() == context.length() + healthPath.length()
                && uri.startsWith(context)
                && uri.endsWith(healthPath);
    }

    private static void completeIfAsync(HttpServletRequest request) {
        if (request.isAsyncStarted()) {
            request.getAsyncContext().complete();
        }
    }

    @Override
    public void destroy() {
        // Nothing to release: the filter holds no threads, connections or SDK of its own.
    }
}
