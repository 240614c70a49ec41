package dev.upstreamguard.agent.instrumentation.apache;

import dev.upstreamguard.agent.core.AgentLog;
import java.lang.reflect.Field;

/**
 * Reads the private settings of an Apache {@code HttpClientBuilder} (its retry handler or strategy) that
 * it has no getter for. A field missing in some version is warned about once; it then reads as null.
 */
public final class BuilderFields {

    private BuilderFields() {}

    /**
     * The field, made accessible, or null (warned once) when this version has none.
     *
     * @param library the library as the warning names it, e.g. {@code Apache HttpClient 5}
     * @param without what the application loses without it, for the warning
     */
    public static Field field(Class<?> builder, String name, String library, String without) {
        try {
            Field f = builder.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            AgentLog.warnOnce(
                    builder.getName() + '|' + name,
                    library + ": HttpClientBuilder." + name + " is not readable; " + without);
            return null;
        }
    }

    /** The field's value on {@code builder}, or null when it cannot be read. */
    public static Object read(Field field, Object builder) {
        try {
            return field == null ? null : field.get(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
