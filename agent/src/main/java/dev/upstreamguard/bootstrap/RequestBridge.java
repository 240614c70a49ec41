package dev.upstreamguard.bootstrap;

import java.util.Map;

/**
 * The request-scoped link between the servlet filter and the agent, across class loaders: the filter
 * finds this class on the bootstrap class path (JDK types only) and calls it reflectively; the agent
 * reads the current scope to parent its CLIENT spans and records each guarded call into it.
 *
 * <p>Thread-safe. The current scope is per thread; the filter attaches it around the work of the
 * request on each thread that does it (the request thread, async dispatches).
 */
public final class RequestBridge {

    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();
    /** Scopes of calls queued on one thread to run on another (OkHttp enqueue); weak, so never a leak. */
    private static final java.util.Map<Object, RequestScope> HANDED_OVER =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static volatile ServerSpanHooks serverSpanHooks;
    /** Set once the first request gets a deadline: until then a guarded call does not look for one. */
    private static volatile boolean deadlinesInUse;

    private RequestBridge() {}

    public static void installServerSpans(ServerSpanHooks hooks) {
        serverSpanHooks = hooks;
    }

    // ---- for the filter ----

    /** True when the agent is running in enforce or observe mode (its hooks are installed). */
    public static boolean agentActive() {
        return Bridge.httpClient() != null || Bridge.urlConnection() != null;
    }

    /** A scope whose calls continue a server span the filter made itself (or null ids: no tracing). */
    public static Object open(String traceparent, String tracestate) {
        return new RequestScope(traceparent, tracestate, null);
    }

    /**
     * A scope with a SERVER span made by the agent; null when the agent does not trace.
     *
     * @param attributes String, Long, Boolean or Double values
     */
    public static Object openWithServerSpan(
            String name, Map<String, Object> attributes, String incomingTraceparent, String incomingTracestate) {
        ServerSpanHooks hooks = serverSpanHooks;
        if (hooks == null) {
            return null;
        }
        Object[] started = hooks.start(name, attributes, incomingTraceparent, incomingTracestate);
        return started == null ? null : new RequestScope((String) started[1], (String) started[2], started[0]);
    }

    /** Makes {@code scope} current on this thread; returns what was current, for {@link #detach}. */
    public static Object attach(Object scope) {
        RequestScope previous = CURRENT.get();
        CURRENT.set((RequestScope) scope);
        return previous;
    }

    /** Restores what {@link #attach} returned. */
    public static void detach(Object previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set((RequestScope) previous);
        }
    }

    /**
     * Gives the request of {@code scope} a deadline, {@code deadlineNanos} on the {@link System#nanoTime()}
     * clock: every guarded call made for it is capped by the time left. Call before attaching the scope.
     */
    public static void deadline(Object scope, long deadlineNanos) {
        ((RequestScope) scope).deadline(deadlineNanos);
    }

    /** Marks that requests have deadlines (set by {@link RequestScope#deadline}); never unset. */
    static void deadlinesInUse() {
        if (!deadlinesInUse) {
            deadlinesInUse = true;
        }
    }

    /**
     * The scope of the request this thread works for when it may have a deadline, or null: while no request
     * has ever had one, a guarded call pays one field read for the question, not a thread-local lookup.
     */
    public static RequestScope currentWithDeadlines() {
        return deadlinesInUse ? CURRENT.get() : null;
    }

    public static String traceparent(Object scope) {
        return ((RequestScope) scope).traceparent();
    }

    /** The most recent guarded call on this request that ended in failure, or null. */
    public static Map<String, Object> lastFailure(Object scope) {
        return ((RequestScope) scope).lastFailure();
    }

    /** The guarded call on this request that ended last, whatever its outcome, or null. */
    public static Map<String, Object> lastCall(Object scope) {
        return ((RequestScope) scope).lastCall();
    }

    /**
     * The failed guarded call on this request that handed the application {@code escaped} or one of its
     * causes (by identity), or null.
     */
    public static Map<String, Object> failureDelivering(Object scope, Throwable escaped) {
        return ((RequestScope) scope).failureDelivering(escaped);
    }

    /** Ends the agent-made server span of {@code scope}, if it has one. */
    public static void endServerSpan(
            Object scope,
            Map<String, Object> attributes,
            String errorType,
            String eventName,
            Map<String, Object> eventAttributes) {
        ServerSpanHooks hooks = serverSpanHooks;
        Object span = ((RequestScope) scope).serverSpan();
        if (hooks != null && span != null) {
            hooks.end(span, attributes, errorType, eventName, eventAttributes);
        }
    }

    // ---- for the agent ----

    /**
     * Called on the thread that queues {@code call} (by identity) to run elsewhere: the scope current
     * here goes with it. Does nothing when no scope is current.
     */
    public static void handOver(Object call) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            HANDED_OVER.put(call, scope);
        }
    }

    /** The scope handed over with {@code call}, or null; it is removed. */
    public static RequestScope takeOver(Object call) {
        return HANDED_OVER.isEmpty() ? null : HANDED_OVER.remove(call);
    }

    /** The scope of the request this thread works for, or null. */
    public static RequestScope current() {
        return CURRENT.get();
    }
}
