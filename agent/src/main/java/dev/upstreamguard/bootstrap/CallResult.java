package dev.upstreamguard.bootstrap;

/**
 * What a guarded call hands back to the application: a value or a throwable, exactly as the client's
 * last attempt produced it. Immutable.
 */
public final class CallResult {
    private final Object value;
    private final Throwable error;

    private CallResult(Object value, Throwable error) {
        this.value = value;
        this.error = error;
    }

    public static CallResult value(Object value) {
        return new CallResult(value, null);
    }

    public static CallResult error(Throwable error) {
        return new CallResult(null, error);
    }

    public Object value() {
        return value;
    }

    /** The throwable to rethrow, or {@code null} when the call produced a value. */
    public Throwable error() {
        return error;
    }
}
