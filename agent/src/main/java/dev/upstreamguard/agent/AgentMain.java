package dev.upstreamguard.agent;

import dev.upstreamguard.agent.config.AgentConfig;
import dev.upstreamguard.agent.config.ConfigSource;
import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.install.AgentInstaller;
import dev.upstreamguard.agent.install.BootstrapJar;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point ({@code -javaagent:upstream-guard-agent.jar}): reads the configuration,
 * appends the bootstrap part, and hands over to the installer. Nothing here may touch a class of the
 * bootstrap part before it is appended, or the application class loader would define its own copy.
 */
public final class AgentMain {

    private AgentMain() {}

    public static void premain(String args, Instrumentation instrumentation) {
        start(instrumentation);
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        start(instrumentation);
    }

    private static synchronized void start(Instrumentation instrumentation) {
        try {
            AgentConfig config = AgentConfig.load(ConfigSource.fromProcess(AgentLog::info), AgentLog::info);
            if (!config.enabled()) {
                return;
            }
            // Our (shaded) ByteBuddy must not touch sun.misc.Unsafe: Java 24+ warns on stderr for it. The
            // shade plugin relocates this name along with ByteBuddy, so the application's own copy is unaffected.
            if (System.getProperty("net.bytebuddy.safe") == null) {
                System.setProperty("net.bytebuddy.safe", "true");
            }
            BootstrapJar.append(instrumentation);
            AgentInstaller.install(
                    config, instrumentation, AgentMain.class.getPackage().getImplementationVersion());
        } catch (Throwable t) {
            AgentLog.info("could not start (" + t.getClass().getName() + ": " + t.getMessage()
                    + "); the application runs without Upstream Guard");
        }
    }
}
