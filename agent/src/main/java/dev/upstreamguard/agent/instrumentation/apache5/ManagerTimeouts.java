package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.agent.core.AgentLog;
import java.lang.reflect.Field;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.core5.function.Resolver;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The connect and socket timeouts an Apache 5 client applies when its {@code RequestConfig} names none:
 * those of its connection manager's {@code ConnectionConfig} and {@code SocketConfig} for the route
 * (5.2 and newer). Neither the manager nor the exec chain exposes them, so they are read from the
 * fields of the two managers Apache ships (pooling and basic); for any other manager, nothing is known
 * and only the {@code RequestConfig}'s timeouts count as the application's. Thread-safe.
 */
final class ManagerTimeouts {

    /** {@code InternalExecRuntime.manager}, or null. */
    private static final ClassValue<Field> RUNTIME_MANAGER = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            return field(type, "manager");
        }
    };

    /** The manager's connection-config and socket-config fields (a resolver or a plain config), or nulls. */
    private static final ClassValue<Field[]> MANAGER_CONFIGS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            Field connection = field(type, "connectionConfigResolver");
            Field socket = field(type, "socketConfigResolver");
            if (connection == null) {
                connection = field(type, "connectionConfig");
                socket = field(type, "socketConfig");
            }
            if (connection == null && socket == null) {
                AgentLog.warnOnce(
                        "apache5-manager|" + type.getName(),
                        "Apache HttpClient 5: the connect and socket"
                                + " timeouts of connection manager " + type.getName()
                                + " are unknown to the agent; only"
                                + " RequestConfig's are kept when shorter than the agent's");
            }
            return new Field[] {connection, socket};
        }
    };

    private ManagerTimeouts() {}

    /** The manager's connect timeout for the route in ms, {@code 0} when unknown, unset or infinite. */
    static long connectMillis(ExecRuntime runtime, HttpRoute route) {
        Object config = config(runtime, route, 0);
        return config instanceof ConnectionConfig ? millis(((ConnectionConfig) config).getConnectTimeout()) : 0;
    }

    /**
     * The socket timeout a connection of the manager has for the route in ms: the
     * {@code ConnectionConfig}'s, else the {@code SocketConfig}'s; {@code 0} when unknown, unset or infinite.
     */
    static long socketMillis(ExecRuntime runtime, HttpRoute route) {
        Object connection = config(runtime, route, 0);
        if (connection instanceof ConnectionConfig) {
            Timeout timeout = ((ConnectionConfig) connection).getSocketTimeout();
            if (timeout != null) {
                return millis(timeout);
            }
        }
        Object socket = config(runtime, route, 1);
        return socket instanceof SocketConfig ? millis(((SocketConfig) socket).getSoTimeout()) : 0;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object config(ExecRuntime runtime, HttpRoute route, int which) {
        try {
            Field managerField = RUNTIME_MANAGER.get(runtime.getClass());
            Object manager = managerField == null ? null : managerField.get(runtime);
            if (manager == null) {
                return null;
            }
            Field f = MANAGER_CONFIGS.get(manager.getClass())[which];
            Object value = f == null ? null : f.get(manager);
            return value instanceof Resolver ? ((Resolver) value).resolve(route) : value;
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentLog.warnOnce(
                    "apache5-manager-read|" + e.getClass().getName(),
                    "Apache HttpClient 5: could not read the connection manager's timeouts ("
                            + e.getClass().getName() + ")");
            return null;
        }
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (RuntimeException e) { // a named module that does not open the package
                return null;
            }
        }
        return null;
    }

    private static long millis(Timeout timeout) {
        return timeout == null || timeout.toMilliseconds() <= 0 ? 0 : timeout.toMilliseconds();
    }
}
