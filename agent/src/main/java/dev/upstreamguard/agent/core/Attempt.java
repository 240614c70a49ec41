package dev.upstreamguard.agent.core;

/**
 * What the engine asks of one physical attempt: its number, the effective timeouts, and the trace
 * headers to send. Immutable.
 */
public final class Attempt {
    /** The attempt an adapter runs when the agent itself failed: the application's settings, no headers. */
    public static final Attempt UNGUARDED = new Attempt(1, 0, 0, 0, false, null, null);

    private final int number;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final long callTimeLeftMillis;
    private final boolean enforce;
    private final String traceparent;
    private final String tracestate;

    Attempt(int number, long connectTimeoutMillis, long readTimeoutMillis, long callTimeLeftMillis, boolean enforce,
            String traceparent, String tracestate) {
        this.number = number;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.callTimeLeftMillis = callTimeLeftMillis;
        this.enforce = enforce;
        this.traceparent = traceparent;
        this.tracestate = tracestate;
    }

    /** 1 for the first attempt. */
    public int number() {
        return number;
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

    /** The W3C {@code traceparent} to send, or {@code null} when tracing is off. */
    public String traceparent() {
        return traceparent;
    }

    /** The W3C {@code tracestate} to send, or {@code null}. */
    public String tracestate() {
        return tracestate;
    }
}
