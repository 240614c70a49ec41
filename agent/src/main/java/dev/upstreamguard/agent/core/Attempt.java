package dev.upstreamguard.agent.core;

/**
 * What the engine asks of one physical attempt: its number, the effective timeouts, and the trace
 * headers to send. Immutable.
 */
public final class Attempt {
    /** The attempt an adapter runs when the agent itself failed: the application's settings, no headers. */
    public static final Attempt UNGUARDED = new Attempt(1, 0, 0, 0, false, null, null, null, Attempt.NO_DEADLINE);

    /** {@link #deadlineHeaderMillis()} of an attempt that carries no deadline. */
    public static final long NO_DEADLINE = -1;

    /** The header that carries the time left to the next service. */
    public static final String DEADLINE_HEADER = "X-Request-Timeout-Ms";

    private static final String TRACEPARENT = "traceparent";
    private static final String TRACESTATE = "tracestate";

    /** The call's decision at a response head; package-private so that only the engine answers. */
    interface HeadDecision {
        boolean retriesAfterHead(int attempt, int status, String retryAfter);
    }

    private final int number;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final long callTimeLeftMillis;
    private final boolean enforce;
    private final String traceparent;
    private final String tracestate;
    private final HeadDecision call;
    private final long deadlineHeaderMillis;

    Attempt(
            int number,
            long connectTimeoutMillis,
            long readTimeoutMillis,
            long callTimeLeftMillis,
            boolean enforce,
            String traceparent,
            String tracestate,
            HeadDecision call,
            long deadlineHeaderMillis) {
        this.deadlineHeaderMillis = deadlineHeaderMillis;
        this.number = number;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.callTimeLeftMillis = callTimeLeftMillis;
        this.enforce = enforce;
        this.traceparent = traceparent;
        this.tracestate = tracestate;
        this.call = call;
    }

    /**
     * Decides, at the response head and before any byte of its body is read, whether this attempt will
     * be retried. True: the engine retries whatever the body holds, so the adapter reads that body with
     * a discarding reader of its own. False: the response is the one the application gets (or the call
     * ends with this attempt's error), so the application's own body reader may read it. The answer binds
     * the engine; ask at most once per attempt. Always false in observe mode.
     *
     * @param retryAfter the response's {@code Retry-After} header, or null
     */
    public boolean retriedAfterHead(int status, String retryAfter) {
        return call != null && call.retriesAfterHead(number, status, retryAfter);
    }

    /** 1 for the first attempt. */
    public int number() {
        return number;
    }

    /**
     * A timeout in ms as the {@code int} that client APIs take: at least 1, since 0 means "no timeout" to
     * them, and at most {@link Integer#MAX_VALUE}.
     */
    public static int clientMillis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }

    /** The effective connect timeout (already shrunk to the call's time left); apply it only when {@link #enforce()} is true. */
    public long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** The effective read timeout (already shrunk to the call's time left). */
    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /**
     * What is left of {@code timeout.call} as the attempt starts (at least 1); {@code 0} for
     * {@link #UNGUARDED}. Bounds any other wait inside the attempt, such as for a pooled connection.
     */
    public long callTimeLeftMillis() {
        return callTimeLeftMillis;
    }

    /** False in observe mode: the adapter must leave the application's own settings unchanged. */
    public boolean enforce() {
        return enforce;
    }

    /**
     * True when this attempt carries headers of its own ({@link #writeHeaders}): the adapter then sends
     * a copy of the application's request, never the request itself.
     */
    public boolean hasHeaders() {
        return traceparent != null || deadlineHeaderMillis >= 0;
    }

    /**
     * True when {@link #writeHeaders} sets {@code name} (case-insensitive) for this attempt: an adapter
     * that copies the application's headers one by one leaves that one out.
     */
    public boolean writesHeader(String name) {
        if (deadlineHeaderMillis >= 0 && DEADLINE_HEADER.equalsIgnoreCase(name)) {
            return true; // the time left replaces the application's own value
        }
        return traceparent != null && (TRACEPARENT.equalsIgnoreCase(name) || TRACESTATE.equalsIgnoreCase(name));
    }

    /**
     * Writes this attempt's own headers onto the client's request through the adapter's {@code setter}:
     * the W3C trace context of the attempt's span, and {@link #DEADLINE_HEADER} with the time left when the
     * call is made for a request with a deadline. The one place an attempt's headers are decided.
     */
    public <C> void writeHeaders(C carrier, HeaderSetter<? super C> setter) {
        if (traceparent != null) {
            setter.set(carrier, TRACEPARENT, traceparent);
            if (tracestate != null) {
                setter.set(carrier, TRACESTATE, tracestate);
            }
        }
        if (deadlineHeaderMillis >= 0) {
            setter.set(carrier, DEADLINE_HEADER, Long.toString(deadlineHeaderMillis));
        }
    }

    /** The W3C {@code traceparent} to send, or {@code null} when tracing is off. */
    public String traceparent() {
        return traceparent;
    }

    /**
     * The value of {@link #DEADLINE_HEADER} to send (the milliseconds left of the call, capped by the request's
     * deadline less the reserve, at this attempt's start), or {@link #NO_DEADLINE}: the request has no deadline,
     * propagation is off, or observe mode.
     */
    public long deadlineHeaderMillis() {
        return deadlineHeaderMillis;
    }

    /** {@link #deadlineHeaderMillis()} as the header's text, or {@code null} when none is to be sent. */
    public String deadlineHeader() {
        return deadlineHeaderMillis < 0 ? null : Long.toString(deadlineHeaderMillis);
    }

    /** The W3C {@code tracestate} to send, or {@code null}. */
    public String tracestate() {
        return tracestate;
    }
}
