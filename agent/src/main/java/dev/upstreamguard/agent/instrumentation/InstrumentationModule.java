package dev.upstreamguard.agent.instrumentation;

import java.util.List;

/**
 * What one instrumentation package contributes to the agent: the types it transforms with their
 * advice, and the bridge hooks it sets up. Each package has one, listed in the agent jar's
 * {@code META-INF/services/dev.upstreamguard.agent.instrumentation.InstrumentationModule}; the installer
 * finds them through {@link java.util.ServiceLoader} and names no library itself. A module class is
 * loaded by the agent's class loader, so it may name its advice classes (JDK types and the bridge only)
 * but never a type of its library: its adapters are named by string and loaded beside the library.
 */
public interface InstrumentationModule {

    /** The package's short name, for the log ({@code okhttp}, {@code apache5}...). */
    String name();

    /** The types this module transforms, each with its advice and, for a client builder, its hook. */
    List<TypeInstrumentation> typeInstrumentations();

    /**
     * Sets up this module's bridge hooks; called once, before any class is transformed. The third-party
     * clients need none: their builder hooks ({@link TypeInstrumentation#builderHook}) are enough.
     */
    default void start(InstrumentationContext context) {}

    /**
     * Runs {@code task}, which builds the agent's own clients (the OpenTelemetry exporters'), so that
     * this module can recognise them and never guard or trace them.
     */
    default void buildAgentOwnClients(Runnable task) {
        task.run();
    }
}
