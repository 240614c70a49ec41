package dev.upstreamguard.containers;

import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.OtlpReceiver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@link FlatShopMain} in a child JVM started with the agent (through the {@link ChildJvm} fixture). */
final class FlatShop implements Shop {
    private final ChildJvm.Running running;
    private final URI base;

    private FlatShop(ChildJvm.Running running, URI base) {
        this.running = running;
        this.base = base;
    }

    /**
     * @param withSdk whether the application has its own OpenTelemetry SDK (exporting to the same receiver)
     * @param firstAgent another java agent attached before Upstream Guard's (the OpenTelemetry Java agent), or null
     * @param moreOptions more JVM options, such as settings of that agent
     */
    static FlatShop start(OtlpReceiver receiver, boolean withSdk, Path firstAgent, String... moreOptions) {
        ChildJvm jvm = ChildJvm.java();
        if (firstAgent != null) {
            jvm.javaagent(firstAgent);
        }
        jvm.javaagent(Settings.agentJar());
        for (String option : Settings.systemProperties(receiver)) {
            jvm.jvmArg(option);
        }
        for (String option : moreOptions) {
            jvm.jvmArg(option);
        }
        jvm.sysProp("app.otlp.endpoint", receiver.endpoint());
        return await(
                withSdk
                        ? jvm.mainClass(FlatShopMain.class.getName(), "sdk").start()
                        : jvm.mainClass(FlatShopMain.class.getName()).start(),
                "/shop");
    }

    /**
     * The shop with only the API, its servlets at the context root, as one more service with these settings
     * ({@link Settings#systemProperties(String, String, String)} and more).
     */
    static FlatShop startAtRoot(List<String> options) {
        ChildJvm jvm = ChildJvm.java().javaagent(Settings.agentJar()).sysProp("shop.context", "/");
        options.forEach(jvm::jvmArg);
        return await(jvm.mainClass(FlatShopMain.class.getName()).start(), "");
    }

    private static FlatShop await(ChildJvm.Running running, String contextPath) {
        try {
            String line = running.awaitOutputLine(l -> l.startsWith("shop listening on "), Duration.ofSeconds(90));
            int port = Integer.parseInt(
                    line.substring("shop listening on ".length()).trim());
            return new FlatShop(running, URI.create("http://127.0.0.1:" + port + contextPath));
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public String output() {
        return running.output();
    }

    @Override
    public void close() {
        running.close();
    }
}
