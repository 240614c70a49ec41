package dev.upstreamguard.bootstrap;

/**
 * Entry point for advice on third-party client libraries (Apache HttpClient 4 and 5, OkHttp), which
 * are guarded through their own extension points. The advice only hands over the object being built;
 * the agent's adapter for that library, loaded beside the library's own class loader, does the rest.
 */
public interface LibraryHooks {

    /**
     * Lets the adapter of {@code library} act on {@code target} (a client builder being built) and
     * returns what the advised method should use in place of {@code value} ({@code value} itself when
     * there is nothing to replace, or when the library cannot be guarded).
     *
     * @param library the adapter's name: {@code okhttp}, {@code apache5}, {@code apache4}
     * @param anchor  the instrumented library class; its class loader is the one the adapter must see
     */
    Object onBuild(String library, Class<?> anchor, Object target, Object value);
}
