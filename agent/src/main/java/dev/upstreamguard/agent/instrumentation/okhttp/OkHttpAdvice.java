package dev.upstreamguard.agent.instrumentation.okhttp;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.LibraryHooks;
import dev.upstreamguard.bootstrap.RequestBridge;
import net.bytebuddy.asm.Advice;

/** Advice inlined into OkHttp; JDK types and the bridge only. */
public final class OkHttpAdvice {

    private OkHttpAdvice() {}

    /**
     * {@code OkHttpClient(Builder)}: every client is made by it ({@code Builder.build()},
     * {@code new OkHttpClient()}, {@code newBuilder().build()}); the builder gets our interceptor first.
     */
    public static final class Construct {
        private Construct() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Origin Class<?> client, @Advice.Argument(0) Object builder) {
            LibraryHooks hooks = Bridge.libraries();
            if (hooks != null) {
                hooks.onBuild(client, builder, null);
            }
        }
    }

    /**
     * {@code RealCall.enqueue}: the request's scope goes with the call to OkHttp's dispatcher thread, so
     * the attempts there are children of the request's server span and are recorded for the filter.
     */
    public static final class Enqueue {
        private Enqueue() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object call) {
            RequestBridge.handOver(call);
        }
    }
}
