package dev.upstreamguard.agent.instrumentation.jettyclient;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.LibraryHooks;
import net.bytebuddy.asm.Advice;

/** Advice inlined into Jetty's client; JDK types and the bridge only. */
public final class JettyClientAdvice {

    private JettyClientAdvice() {}

    /**
     * {@code HttpRequest.send(Response.CompleteListener)}: every send comes here, the blocking {@code send()}
     * included, and the follow-ups Jetty sends within a call (a redirect's may have no listener). When the
     * adapter takes the call over ({@code TRUE}), the original body is skipped: the adapter sends the attempts
     * and notifies the listener itself.
     */
    public static final class Send {
        private Send() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static boolean enter(
                @Advice.Origin Class<?> type, @Advice.This Object request, @Advice.Argument(0) Object listener) {
            LibraryHooks hooks = Bridge.libraries();
            return hooks != null && hooks.onBuild(type, request, listener) == Boolean.TRUE;
        }
    }
}
