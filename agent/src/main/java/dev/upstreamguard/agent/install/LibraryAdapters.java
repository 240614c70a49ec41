package dev.upstreamguard.agent.install;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.bootstrap.LibraryHooks;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The bridge's hooks for third-party clients: for each library, the adapter class (a
 * {@code BiFunction<Object, Object, Object>} with a public {@code (CallGuard)} constructor) is loaded
 * through a {@link HelperClassLoader} beside the library's class loader, once per loader, and cached
 * with the library's class so that it goes away with it. Thread-safe.
 */
final class LibraryAdapters implements LibraryHooks {

    /** The adapter of each library, by the name its advice passes. */
    static final Map<String, String> ADAPTERS = Map.of(
            "okhttp", "dev.upstreamguard.agent.instrumentation.okhttp.OkHttpGuard",
            "apache5", "dev.upstreamguard.agent.instrumentation.apache5.Apache5Guard",
            "apache4", "dev.upstreamguard.agent.instrumentation.apache4.Apache4Guard");

    private static final BiFunction<Object, Object, Object> UNGUARDED = (target, value) -> value;

    private final CallGuard guard;
    private final Map<String, ClassValue<BiFunction<Object, Object, Object>>> byLibrary;

    LibraryAdapters(CallGuard guard) {
        this.guard = guard;
        this.byLibrary = Map.of(
                "okhttp", adaptersOf("okhttp"),
                "apache5", adaptersOf("apache5"),
                "apache4", adaptersOf("apache4"));
    }

    @Override
    public Object onBuild(String library, Class<?> anchor, Object target, Object value) {
        ClassValue<BiFunction<Object, Object, Object>> adapters = byLibrary.get(library);
        if (adapters == null) {
            return value;
        }
        try {
            return adapters.get(anchor).apply(target, value);
        } catch (Throwable t) {
            AgentLog.internalError("guarding " + library, t);
            return value;
        }
    }

    private ClassValue<BiFunction<Object, Object, Object>> adaptersOf(String library) {
        return new ClassValue<>() {
            @Override
            protected BiFunction<Object, Object, Object> computeValue(Class<?> anchor) {
                return load(library, anchor.getClassLoader());
            }
        };
    }

    @SuppressWarnings("unchecked")
    private BiFunction<Object, Object, Object> load(String library, ClassLoader libraryLoader) {
        String className = ADAPTERS.get(library);
        try {
            String packageName = className.substring(0, className.lastIndexOf('.'));
            ClassLoader helper = new HelperClassLoader(libraryLoader, LibraryAdapters.class.getClassLoader(),
                    packageName);
            Class<?> adapter = Class.forName(className, true, helper);
            return (BiFunction<Object, Object, Object>) adapter.getConstructor(CallGuard.class).newInstance(guard);
        } catch (Throwable t) {
            // an unexpected version of the library: that library is left alone, the rest keeps working
            AgentLog.internalError("loading the " + library + " adapter", t);
            return UNGUARDED;
        }
    }
}
