package dev.upstreamguard.agent.instrumentation;

/**
 * A third-party client's adapter entry point, called by the advice on the client's builder (through
 * {@link dev.upstreamguard.bootstrap.LibraryHooks}): it prepares the builder (an interceptor, an
 * exec-chain handler, the client's own retries off) and may replace what the advised method returns.
 * An implementation lives in its instrumentation package, is named by {@link TypeInstrumentation#builderHook},
 * has a public {@code (CallGuard)} constructor and is loaded beside the application's copy of the library,
 * once per class loader. Implementations are thread-safe.
 *
 * @param <B> the library's builder type
 * @param <V> what the advised method returns, {@code Void} when the hook replaces nothing
 */
public interface BuilderHook<B, V> {

    /**
     * Prepares {@code builder} and returns what the advised method should use in place of {@code value}
     * ({@code value} itself, or {@code null} for {@code Void}, when there is nothing to replace).
     */
    V onBuild(B builder, V value);
}
