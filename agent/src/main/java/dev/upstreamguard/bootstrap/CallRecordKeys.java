package dev.upstreamguard.bootstrap;

/**
 * The keys of a guarded call's record, the map that {@link RequestScope} keeps and the servlet filter reads
 * through {@link RequestBridge}: written by one and read by the other from this one table.
 *
 * <p>JDK types only: the filter compiles this same source into its own jar (its build copies it from the
 * agent); constants are inlined, so the filter needs no agent class at run time.
 */
public final class CallRecordKeys {

    /** String: the dependency's logical name, or its {@code host:port} when it has none. */
    public static final String DEPENDENCY = "dependency";
    /** Boolean: whether {@link #DEPENDENCY} is a configured name rather than an address. */
    public static final String NAMED = "named";
    /** String: the upstream's {@code host:port}. */
    public static final String ADDRESS = "address";
    /** String: the {@code upstreamguard.failure} of the last attempt; absent when the call succeeded. */
    public static final String FAILURE = "failure";
    /** Integer: the attempts made. */
    public static final String ATTEMPTS = "attempts";
    /** String: the {@code upstreamguard.outcome}. */
    public static final String OUTCOME = "outcome";
    /** Integer: the last response status; absent without a response. */
    public static final String STATUS = "status";
    /** String: the class name of the exception a failed call handed the application; absent otherwise. */
    public static final String EXCEPTION = "exception";
    /** Long: for a call the breaker or the concurrency limit rejected, whole seconds until the next probe. */
    public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

    private CallRecordKeys() {}
}
