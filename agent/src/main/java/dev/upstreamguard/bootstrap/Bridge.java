package dev.upstreamguard.bootstrap;

/**
 * The one place advice code calls. The agent installs the hooks at start-up; until then (or when the
 * agent is disabled) every hook is {@code null} and advice lets calls proceed untouched.
 *
 * <p>Thread-safe: hooks are published once through volatile fields.
 */
public final class Bridge {

    private static volatile HttpClientHooks httpClientHooks;
    private static volatile UrlConnectionHooks urlConnectionHooks;
    private static volatile LibraryHooks libraryHooks;

    /**
     * Set while the agent itself drives a call (an attempt of a guarded call, or the agent's own
     * exporter): instrumented methods entered on this thread pass straight through.
     */
    private static final ThreadLocal<int[]> PASS_THROUGH = ThreadLocal.withInitial(() -> new int[1]);

    private static final java.util.concurrent.atomic.AtomicLong ERRORS = new java.util.concurrent.atomic.AtomicLong();

    /** Where advice errors go once the agent is up: it counts each and logs each distinct one once. */
    private static volatile java.util.function.BiConsumer<String, Throwable> errorSink;

    private Bridge() {}

    /** Counts an internal error of the agent (each is logged once by the agent itself). */
    public static void recordError() {
        ERRORS.incrementAndGet();
    }

    /** Sets where {@link #adviceError} reports to (the agent's log, which also counts). */
    public static void installErrorSink(java.util.function.BiConsumer<String, Throwable> sink) {
        errorSink = sink;
    }

    /**
     * The exception handler of every advice: an advice that threw (its exception is suppressed, the
     * instrumented method goes on). Counted in {@link #errorCount()} and logged once per place and type.
     * Never throws: it runs inside the application's calls.
     *
     * @param where the instrumented method, {@code type.method}
     */
    public static void adviceError(Throwable error, String where) {
        try {
            java.util.function.BiConsumer<String, Throwable> sink = errorSink;
            if (sink != null) {
                sink.accept("advice on " + where, error);
            } else {
                ERRORS.incrementAndGet();
            }
        } catch (Throwable ignored) {
            // nothing may escape into the instrumented method; the count is what tests look at
            ERRORS.incrementAndGet();
        }
    }

    /** How many internal errors the agent has met since start; tests expect zero. */
    public static long errorCount() {
        return ERRORS.get();
    }

    public static HttpClientHooks httpClient() {
        return httpClientHooks;
    }

    public static UrlConnectionHooks urlConnection() {
        return urlConnectionHooks;
    }

    public static void installHttpClient(HttpClientHooks httpClient) {
        httpClientHooks = httpClient;
    }

    public static void installUrlConnection(UrlConnectionHooks urlConnection) {
        urlConnectionHooks = urlConnection;
    }

    /** The hooks for third-party client libraries, or {@code null} before the agent installed them. */
    public static LibraryHooks libraries() {
        return libraryHooks;
    }

    public static void installLibraries(LibraryHooks libraries) {
        libraryHooks = libraries;
    }

    /** True while the current thread is inside a call the agent drives itself. */
    public static boolean passingThrough() {
        return PASS_THROUGH.get()[0] > 0;
    }

    /** Marks the current thread as driving a call itself; pair with {@link #endPassThrough()} in a finally. */
    public static void beginPassThrough() {
        PASS_THROUGH.get()[0]++;
    }

    public static void endPassThrough() {
        PASS_THROUGH.get()[0]--;
    }
}
