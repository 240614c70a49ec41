package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.LibraryHooks;
import net.bytebuddy.asm.Advice;

/** Advice inlined into Apache HttpClient 5; JDK types and the bridge only. */
public final class Apache5Advice {

    private Apache5Advice() {}

    /** {@code HttpClientBuilder.build()}, which {@code HttpClients.createDefault()/createSystem()} use too. */
    public static final class Build {
        private Build() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Origin Class<?> type, @Advice.This Object builder) {
            LibraryHooks hooks = Bridge.libraries();
            if (hooks != null) {
                hooks.onBuild(type, builder, null);
            }
        }
    }
}
