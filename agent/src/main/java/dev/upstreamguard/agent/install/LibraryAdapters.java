package dev.upstreamguard.agent.install;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.instrumentation.BuilderHook;
import dev.upstreamguard.bootstrap.LibraryHooks;
import java.util.Map;

/**
 * The bridge's hooks for third-party clients: the {@link BuilderHook} each instrumentation module names
 * for a builder type is loaded through a {@link HelperClassLoader} beside that type's class loader, once
 * per loader, and cached with the type so that it goes away with it. Thread-safe.
 */
final class LibraryAdapters implements LibraryHooks {

    private static final BuilderHook<Object, Object> UNGUARDED = (builder, value) -> value;

    private final CallGuard guard;
    /** The hook class of each instrumented builder type, by the type's name. */
    private final Map<String, String> hookClasses;

    private final ClassValue<BuilderHook<Object, Object>> hooks = new ClassValue<>() {
        @Override
        protected BuilderHook<Object, Object> computeValue(Class<?> anchor) {
            return load(anchor);
        }
    };

    LibraryAdapters(CallGuard guard, Map<String, String> hookClasses) {
        this.guard = guard;
        this.hookClasses = Map.copyOf(hookClasses);
    }

    @Override
    public Object onBuild(Class<?> anchor, Object target, Object value) {
        try {
            return hooks.get(anchor).onBuild(target, value);
        } catch (Throwable t) {
            AgentLog.internalError("guarding " + anchor.getName(), t);
            return value;
        }
    }

    @SuppressWarnings("unchecked")
    private BuilderHook<Object, Object> load(Class<?> anchor) {
        String className = hookClasses.get(anchor.getName());
        if (className == null) {
            return UNGUARDED;
        }
        try {
            String packageName = className.substring(0, className.lastIndexOf('.'));
            ClassLoader helper =
                    new HelperClassLoader(anchor.getClassLoader(), LibraryAdapters.class.getClassLoader(), packageName);
            Class<?> hook = Class.forName(className, true, helper);
            return (BuilderHook<Object, Object>)
                    hook.getConstructor(CallGuard.class).newInstance(guard);
        } catch (Throwable t) {
            // an unexpected version of the library: that library is left alone, the rest keeps working
            AgentLog.internalError("loading " + className, t);
            return UNGUARDED;
        }
    }
}
