package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.UrlConnectionHooks;
import java.net.Proxy;
import java.net.URLConnection;
import net.bytebuddy.asm.Advice;

/** Advice inlined into the JDK's URL stream handlers and HTTP client; JDK types and the bridge only. */
public final class UrlConnectionAdvice {

    private UrlConnectionAdvice() {}

    /** {@code sun.net.www.protocol.http(s).Handler.openConnection}: hand out a guarded connection. */
    public static final class OpenConnection {
        private OpenConnection() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.AllArguments Object[] args,
                                @Advice.Return(readOnly = false) URLConnection connection) {
            UrlConnectionHooks hooks = Bridge.urlConnection();
            if (hooks != null && connection != null) {
                connection = hooks.wrap(connection, args.length > 1 ? (Proxy) args[1] : null);
            }
        }
    }

    /**
     * {@code sun.net.www.http.HttpClient.parseHTTP}: marking the exchange as already re-sent once stops
     * the JDK from silently re-sending it (a POST included) under an attempt of ours.
     */
    public static final class NoInternalRetry {
        private NoInternalRetry() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.FieldValue(value = "failedOnce", readOnly = false) boolean failedOnce) {
            UrlConnectionHooks hooks = Bridge.urlConnection();
            if (hooks != null && hooks.suppressInternalRetry()) {
                failedOnce = true;
            }
        }
    }
}
