package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.CallRecordKeys;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls the agent rejected without sending them (its circuit breaker open, or its concurrency limit
 * reached): how to recognise them, the {@code Retry-After} to answer, and the quiet log for them (at
 * most one line per dependency every 10 s, with the number of rejections since the last line).
 * Thread-safe.
 */
final class Rejections {
    /** The agent's exception, on the bootstrap class path when the agent runs; matched by name. */
    static final String EXCEPTION = "dev.upstreamguard.UpstreamUnavailableException";

    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final int MAX_TRACKED = 1024;
    private static final Logger LOGGER = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);

    /** Per dependency: when its last line was written and how many rejections were not logged since. */
    private static final Map<String, long[]> LOGGED = new ConcurrentHashMap<>();

    private Rejections() {}

    static boolean isRejection(UpstreamFailureKind kind) {
        return kind == UpstreamFailureKind.CIRCUIT_OPEN || kind == UpstreamFailureKind.CONCURRENCY_LIMIT;
    }

    /** The kind of the agent's rejection {@code t} (by its {@code reason()}), or null when it is none. */
    static UpstreamFailureKind kindOf(Throwable t) {
        if (!EXCEPTION.equals(t.getClass().getName())) {
            return null;
        }
        Object reason = call(t, "reason");
        UpstreamFailureKind kind = reason == null ? null : UpstreamFailureKind.fromValue(reason.toString());
        return isRejection(kind) ? kind : UpstreamFailureKind.CIRCUIT_OPEN;
    }

    /**
     * Whole seconds until the dependency's next probe, at least 1: from the agent's exception in the cause
     * chain, else from what the agent recorded about the call, else 1.
     */
    static long retryAfterSeconds(Throwable failure, Map<String, Object> recordedCall) {
        List<Throwable> chain = CauseChain.of(failure);
        for (Throwable t : chain) {
            if (EXCEPTION.equals(t.getClass().getName())) {
                Object seconds = call(t, "retryAfterSeconds");
                if (seconds instanceof Long) {
                    return Math.max(1, (Long) seconds);
                }
            }
        }
        Object recorded = recordedCall == null ? null : recordedCall.get(CallRecordKeys.RETRY_AFTER_SECONDS);
        return recorded instanceof Long ? Math.max(1, (Long) recorded) : 1;
    }

    private static Object call(Throwable t, String method) {
        try {
            Method m = t.getClass().getMethod(method);
            return m.invoke(t);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Logs a rejection unless this dependency had its line less than 10 s ago; then it is only counted. */
    static void log(UpstreamFailure failure, String method, String path, String traceId, int status, long nowNanos) {
        if (!LOGGER.isLoggable(Level.WARNING)) {
            return;
        }
        String dependency = failure.dependency() != null ? failure.dependency() : "unknown";
        if (LOGGED.size() >= MAX_TRACKED && !LOGGED.containsKey(dependency)) {
            LOGGED.clear(); // a bound, never a leak: worst case one extra line per dependency
        }
        long[] state = LOGGED.computeIfAbsent(dependency, d -> new long[] {nowNanos - LOG_INTERVAL_NANOS, 0});
        long suppressed;
        synchronized (state) {
            if (nowNanos - state[0] < LOG_INTERVAL_NANOS) {
                state[1]++;
                return;
            }
            suppressed = state[1];
            state[0] = nowNanos;
            state[1] = 0;
        }
        LOGGER.log(
                Level.WARNING,
                "Upstream unavailable: " + failure.kind().value() + " dependency="
                        + UpstreamFailureLog.clean(dependency) + " rejected without being sent; " + suppressed
                        + " more rejection(s) since the last line; request=\"" + UpstreamFailureLog.clean(method) + ' '
                        + UpstreamFailureLog.clean(path) + "\" traceId=" + (traceId == null ? "none" : traceId)
                        + (status > 0 ? " answered=" + status : " answered=unchanged (response already committed)")
                        + "; at most one line per dependency every 10 s");
    }
}
