package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.LibraryHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Advice inlined into Apache HttpClient 4; JDK types and the bridge only. */
public final class Apache4Advice {

    private Apache4Advice() {}

    /**
     * {@code HttpClientBuilder.decorateProtocolExec}: called once per {@code build()} (which
     * {@code HttpClients.createDefault()/createSystem()} use too), before the builder reads its retry
     * setting; the returned chain is wrapped in ours.
     */
    public static final class DecorateProtocolExec {
        private DecorateProtocolExec() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(
                @Advice.Origin Class<?> type,
                @Advice.This Object builder,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object chain) {
            LibraryHooks hooks = Bridge.libraries();
            if (hooks != null && chain != null) {
                chain = hooks.onBuild(type, builder, chain);
            }
        }
    }
}
