package dev.upstreamguard.agent.core;

/**
 * What the engine asks of one physical attempt: its number, the effective timeouts, and the trace
 * headers to send. Immutable.
 */
public final class Attempt {
    /** The attempt an adapter runs when the agent itself failed: the application's settings, no headers. */
    public static final Attempt UNGUARDED = new Attempt(1, 0, 0, 0, false, null, null, null);

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

    Attempt(int number, long connectTimeoutMillis, long readTimeoutMillis, long callTimeLeftMillis, boolean enforce,
            String traceparent, String tracestate, HeadDecision call) {
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
        return traceparent != null;
    }

    /**
     * True when {@link #writeHeaders} sets {@code name} (case-insensitive) for this attempt: an adapter
     * that copies the application's headers one by one leaves that one out.
     */
    public boolean writesHeader(String name) {
        return traceparent != null && (TRACEPARENT.equalsIgnoreCase(name) || TRACESTATE.equalsIgnoreCase(name));
    }

    /**
     * Writes this attempt's own headers onto the client's request through the adapter's {@code setter}:
     * the W3C trace context of the attempt's span. The one place an attempt's headers are decided.
     */
    public <C> void writeHeaders(C carrier, HeaderSetter<? super C> setter) {
        if (traceparent != null) {
            setter.set(carrier, TRACEPARENT, traceparent);
            if (tracestate != null) {
                setter.set(carrier, TRACESTATE, tracestate);
            }
        }
    }

    /** The W3C {@code traceparent} to send, or {@code null} when tracing is off. */
    public String traceparent() {
        return traceparent;
    }

    /** The W3C {@code tracestate} to send, or {@code null}. */
    public String tracestate() {
        return tracestate;
    }
}
