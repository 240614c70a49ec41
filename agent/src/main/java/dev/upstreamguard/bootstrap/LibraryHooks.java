package dev.upstreamguard.bootstrap;

/**
 * Entry point for advice on third-party client libraries, which are guarded through their own
 * extension points. The advice only hands over the object being built; the agent's adapter for that
 * library, loaded beside the library's own class loader, does the rest.
 */
public interface LibraryHooks {

    /**
     * Lets the adapter registered for {@code anchor} act on {@code target} (a client builder being
     * built) and returns what the advised method should use in place of {@code value} ({@code value}
     * itself when there is nothing to replace, or when the library cannot be guarded).
     *
     * @param anchor the instrumented library class ({@code @Advice.Origin}): it names the adapter, and its
     *               class loader is the one the adapter must see
     */
    Object onBuild(Class<?> anchor, Object target, Object value);
}
