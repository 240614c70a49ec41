package dev.upstreamguard.filter;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The filter's view of the Upstream Guard agent, when one is attached: the agent's bootstrap class
 * {@code dev.upstreamguard.bootstrap.RequestBridge} (JDK types only) on the boot class path, reached
 * reflectively, so the filter needs no agent classes and works in any class loader (a WAR included).
 * Through it the agent's CLIENT spans continue the request's server span and the filter learns which
 * dependency failed, how, and after how many attempts. Thread-safe.
 */
final class AgentLink {
    private static final String BRIDGE = "dev.upstreamguard.bootstrap.RequestBridge";
    private static final Logger LOGGER = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);
    private static final Object[] NONE = {};
    private static volatile Object[] cached = NONE;

    private final MethodHandle open;
    private final MethodHandle openWithServerSpan;
    private final MethodHandle attach;
    private final MethodHandle detach;
    private final MethodHandle traceparent;
    private final MethodHandle lastFailure;
    /** Null with an agent older than the filter: attribution then falls back to the last failure alone. */
    private final MethodHandle lastCall;

    private final MethodHandle failureDelivering;
    private final MethodHandle endServerSpan;
    /** Null with an agent older than the filter: requests then have no deadline for the agent to apply. */
    private final MethodHandle deadline;

    private AgentLink(Class<?> bridge) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        open = lookup.findStatic(bridge, "open", MethodType.methodType(Object.class, String.class, String.class));
        openWithServerSpan = lookup.findStatic(
                bridge,
                "openWithServerSpan",
                MethodType.methodType(Object.class, String.class, Map.class, String.class, String.class));
        attach = lookup.findStatic(bridge, "attach", MethodType.methodType(Object.class, Object.class));
        detach = lookup.findStatic(bridge, "detach", MethodType.methodType(void.class, Object.class));
        traceparent = lookup.findStatic(bridge, "traceparent", MethodType.methodType(String.class, Object.class));
        lastFailure = lookup.findStatic(bridge, "lastFailure", MethodType.methodType(Map.class, Object.class));
        lastCall = optional(lookup, bridge, "lastCall", MethodType.methodType(Map.class, Object.class));
        failureDelivering = optional(
                lookup, bridge, "failureDelivering", MethodType.methodType(Map.class, Object.class, Throwable.class));
        endServerSpan = lookup.findStatic(
                bridge,
                "endServerSpan",
                MethodType.methodType(void.class, Object.class, Map.class, String.class, String.class, Map.class));
        deadline = optional(lookup, bridge, "deadline", MethodType.methodType(void.class, Object.class, long.class));
    }

    private static MethodHandle optional(MethodHandles.Lookup lookup, Class<?> bridge, String name, MethodType type)
            throws IllegalAccessException {
        try {
            return lookup.findStatic(bridge, name, type);
        } catch (NoSuchMethodException olderAgent) {
            return null;
        }
    }

    /**
     * Links the filter to {@code bridge} in place of the one on the boot class path, or to no agent with
     * {@code null}; {@link #forget()} undoes it. For tests that run the filter against the agent's real
     * bridge classes compiled beside them.
     */
    static void linkTo(Class<?> bridge) throws ReflectiveOperationException {
        cached = new Object[] {bridge == null ? null : new AgentLink(bridge)};
    }

    /** Looks the agent up again on next use. */
    static void forget() {
        cached = NONE;
    }

    /** The link to a running agent, or {@code null} when none is attached (or it is disabled). */
    static AgentLink find() {
        Object[] found = cached;
        if (found == NONE) {
            found = new Object[] {lookUp()};
            cached = found;
        }
        return (AgentLink) found[0];
    }

    private static AgentLink lookUp() {
        try {
            Class<?> bridge = Class.forName(BRIDGE, true, null); // the boot class path only
            boolean active = (boolean) MethodHandles.publicLookup()
                    .findStatic(bridge, "agentActive", MethodType.methodType(boolean.class))
                    .invoke();
            return active ? new AgentLink(bridge) : null;
        } catch (ClassNotFoundException noAgent) {
            return null;
        } catch (Throwable e) {
            LOGGER.log(
                    Level.WARNING,
                    "The Upstream Guard agent is attached but cannot be linked to ("
                            + e.getClass().getName() + "); the filter works on its own");
            return null;
        }
    }

    /** A scope for a server span the application's OpenTelemetry made. */
    Object open(String traceparent, String tracestate) {
        return call(() -> open.invoke(traceparent, tracestate));
    }

    /** A scope whose server span the agent makes (the application has no SDK); null when the agent does not trace. */
    Object openWithServerSpan(String name, Map<String, Object> attributes, String traceparent, String tracestate) {
        return call(() -> openWithServerSpan.invoke(name, attributes, traceparent, tracestate));
    }

    /** True when the agent applies request deadlines (it has {@code RequestBridge.deadline}). */
    boolean takesDeadlines() {
        return deadline != null;
    }

    /**
     * Gives the request of {@code scope} a deadline, {@code deadlineNanos} on the {@link System#nanoTime()} clock;
     * does nothing with an agent older than the filter.
     */
    void deadline(Object scope, long deadlineNanos) {
        MethodHandle handle = deadline;
        if (handle != null) {
            call(() -> {
                handle.invoke(scope, deadlineNanos);
                return null;
            });
        }
    }

    /** Makes {@code scope} current on this thread; returns the token for {@link #detach}. */
    Object attach(Object scope) {
        return call(() -> attach.invoke(scope));
    }

    void detach(Object token) {
        call(() -> {
            detach.invoke(token);
            return null;
        });
    }

    String traceparent(Object scope) {
        return (String) call(() -> traceparent.invoke(scope));
    }

    /** The most recent guarded call on this request that ended in failure, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> lastFailure(Object scope) {
        return (Map<String, Object>) call(() -> lastFailure.invoke(scope));
    }

    /** The guarded call on this request that ended last, whatever its outcome; the last failure with an older agent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> lastCall(Object scope) {
        MethodHandle handle = lastCall != null ? lastCall : lastFailure;
        return (Map<String, Object>) call(() -> handle.invoke(scope));
    }

    /** The failed call on this request that handed the application {@code escaped} or one of its causes, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> failureDelivering(Object scope, Throwable escaped) {
        MethodHandle handle = failureDelivering;
        return handle == null ? null : (Map<String, Object>) call(() -> handle.invoke(scope, escaped));
    }

    void endServerSpan(
            Object scope,
            Map<String, Object> attributes,
            String errorType,
            String eventName,
            Map<String, Object> eventAttributes) {
        call(() -> {
            endServerSpan.invoke(scope, attributes, errorType, eventName, eventAttributes);
            return null;
        });
    }

    private interface Invocation {
        Object invoke() throws Throwable;
    }

    private static Object call(Invocation invocation) {
        try {
            return invocation.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
