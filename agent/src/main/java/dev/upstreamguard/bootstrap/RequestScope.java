package dev.upstreamguard.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One incoming request as the filter and the agent share it: the trace context its outgoing calls
 * continue, and what happened to each guarded call made on its behalf. Thread-safe: asynchronous calls
 * record into it from other threads.
 */
public final class RequestScope {

    /** Guarded calls beyond this many are not recorded (a request that loops over an upstream). */
    static final int MAX_CALLS = 64;

    private final String traceparent;
    private final String tracestate;
    private final Object serverSpan;
    private final List<Map<String, Object>> calls = new ArrayList<>(4);

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

    /**
     * Records a finished guarded call.
     *
     * @param failure the {@code upstreamguard.failure} of its last attempt, or null when it succeeded
     */
    public void recordCall(String dependency, boolean named, String address, String failure, int attempts,
                           String outcome, int status) {
        recordCall(dependency, named, address, failure, attempts, outcome, status, -1);
    }

    /**
     * Records a finished guarded call.
     *
     * @param retryAfterSeconds for a call rejected by the breaker or the concurrency limit: whole seconds
     *                          until the next probe, at least 1; otherwise -1
     */
    public void recordCall(String dependency, boolean named, String address, String failure, int attempts,
                           String outcome, int status, long retryAfterSeconds) {
        Map<String, Object> call = new HashMap<>(12);
        if (retryAfterSeconds > 0) {
            call.put("retryAfterSeconds", retryAfterSeconds);
        }
        call.put("dependency", dependency);
        call.put("named", named);
        call.put("address", address);
        if (failure != null) {
            call.put("failure", failure);
        }
        call.put("attempts", attempts);
        call.put("outcome", outcome);
        if (status >= 0) {
            call.put("status", status);
        }
        synchronized (calls) {
            if (calls.size() < MAX_CALLS) {
                calls.add(Collections.unmodifiableMap(call));
            }
        }
    }

    /** The most recent guarded call that ended in failure, or null. */
    public Map<String, Object> lastFailure() {
        synchronized (calls) {
            for (int i = calls.size() - 1; i >= 0; i--) {
                if (calls.get(i).containsKey("failure")) {
                    return calls.get(i);
                }
            }
        }
        return null;
    }

    /** Every guarded call recorded so far, oldest first. */
    public List<Map<String, Object>> calls() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }
}
