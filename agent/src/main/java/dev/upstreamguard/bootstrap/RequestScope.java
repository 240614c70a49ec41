package dev.upstreamguard.bootstrap;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One incoming request as the filter and the agent share it: the trace context its outgoing calls
 * continue, and what the filter needs to know about the guarded calls made on its behalf: the last call,
 * the most recent failed ones and what each of those handed to the application. Memory stays bounded
 * however many calls a request makes. Thread-safe: asynchronous calls record into it from other threads.
 */
public final class RequestScope {

    /** Failed calls kept, newest first, with what they delivered; older ones are let go. */
    static final int KEPT_FAILURES = 16;

    private final String traceparent;
    private final String tracestate;
    private final Object serverSpan;
    private final Object lock = new Object();

    @SuppressWarnings("unchecked")
    private final Map<String, Object>[] failures = new Map[KEPT_FAILURES];

    private final Throwable[] delivered = new Throwable[KEPT_FAILURES];
    private int failureCount;
    private int callCount;
    private Map<String, Object> lastCall;
    /** The request's deadline on the {@link System#nanoTime()} clock; meaningful only when {@link #hasDeadline}. */
    private volatile long deadlineNanos;

    private volatile boolean hasDeadline;

    RequestScope(String traceparent, String tracestate, Object serverSpan) {
        this.traceparent = traceparent;
        this.tracestate = tracestate;
        this.serverSpan = serverSpan;
    }

    /** The W3C traceparent of the request's server span, or null. */
    public String traceparent() {
        return traceparent;
    }

    public String tracestate() {
        return tracestate;
    }

    /** The server span when the agent made it for the filter, else null. */
    Object serverSpan() {
        return serverSpan;
    }

    /** True when the request has a deadline (set by the filter before the scope is attached anywhere). */
    public boolean hasDeadline() {
        return hasDeadline;
    }

    /** The request's deadline on the {@link System#nanoTime()} clock; only meaningful when {@link #hasDeadline}. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Gives the request a deadline, {@code deadlineNanos} on the {@link System#nanoTime()} clock. */
    public void deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = true;
        RequestBridge.deadlinesInUse();
    }

    /** Records a finished guarded call that handed the application no exception of an upstream failure. */
    public void recordCall(
            String dependency,
            boolean named,
            String address,
            String failure,
            int attempts,
            String outcome,
            int status) {
        recordCall(dependency, named, address, failure, attempts, outcome, status, null);
    }

    /**
     * Records a finished guarded call.
     *
     * @param failure   the {@code upstreamguard.failure} of its last attempt, or null when it succeeded
     * @param delivered what the call threw to the application, or null (a response, even a 503)
     */
    public void recordCall(
            String dependency,
            boolean named,
            String address,
            String failure,
            int attempts,
            String outcome,
            int status,
            Throwable delivered) {
        recordCall(dependency, named, address, failure, attempts, outcome, status, delivered, -1);
    }

    /**
     * Records a finished guarded call.
     *
     * @param delivered         what the call threw to the application, or null (a response, even a 503)
     * @param retryAfterSeconds for a call rejected by the breaker or the concurrency limit: whole seconds
     *                          until the next probe, at least 1; otherwise -1
     */
    public void recordCall(
            String dependency,
            boolean named,
            String address,
            String failure,
            int attempts,
            String outcome,
            int status,
            Throwable delivered,
            long retryAfterSeconds) {
        Map<String, Object> call = new HashMap<>(16);
        if (retryAfterSeconds > 0) {
            call.put(CallRecordKeys.RETRY_AFTER_SECONDS, retryAfterSeconds);
        }
        call.put(CallRecordKeys.DEPENDENCY, dependency);
        call.put(CallRecordKeys.NAMED, named);
        call.put(CallRecordKeys.ADDRESS, address);
        if (failure != null) {
            call.put(CallRecordKeys.FAILURE, failure);
        }
        call.put(CallRecordKeys.ATTEMPTS, attempts);
        call.put(CallRecordKeys.OUTCOME, outcome);
        if (status >= 0) {
            call.put(CallRecordKeys.STATUS, status);
        }
        if (failure != null && delivered != null) {
            call.put(CallRecordKeys.EXCEPTION, delivered.getClass().getName());
        }
        Map<String, Object> recorded = Collections.unmodifiableMap(call);
        synchronized (lock) {
            callCount++;
            lastCall = recorded;
            if (failure != null) {
                int slot = failureCount++ % KEPT_FAILURES;
                failures[slot] = recorded;
                this.delivered[slot] = delivered;
            }
        }
    }

    /** The most recent guarded call that ended in failure, or null. */
    public Map<String, Object> lastFailure() {
        synchronized (lock) {
            return failureCount == 0 ? null : failures[(failureCount - 1) % KEPT_FAILURES];
        }
    }

    /** The guarded call that ended last, whatever its outcome, or null. */
    public Map<String, Object> lastCall() {
        synchronized (lock) {
            return lastCall;
        }
    }

    /** How many guarded calls ended on this request. */
    public int callCount() {
        synchronized (lock) {
            return callCount;
        }
    }

    /**
     * The most recent of the kept failed calls whose delivered exception is {@code escaped} or one of its
     * causes (by identity), or null.
     */
    public Map<String, Object> failureDelivering(Throwable escaped) {
        synchronized (lock) {
            int kept = Math.min(failureCount, KEPT_FAILURES);
            Throwable t = escaped;
            for (int depth = 0; t != null && depth < UpstreamFailureTypes.MAX_CAUSES; depth++, t = t.getCause()) {
                for (int i = 1; i <= kept; i++) {
                    int slot = (failureCount - i) % KEPT_FAILURES;
                    if (delivered[slot] == t) {
                        return failures[slot];
                    }
                }
            }
            return null;
        }
    }
}
