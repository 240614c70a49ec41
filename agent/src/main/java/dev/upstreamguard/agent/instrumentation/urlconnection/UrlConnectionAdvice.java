package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.UrlConnectionHooks;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import net.bytebuddy.asm.Advice;

/** Advice inlined into the JDK's URL stream handlers and HTTP client; JDK types and the bridge only. */
public final class UrlConnectionAdvice {

    private UrlConnectionAdvice() {}

    /**
     * {@code sun.net.www.protocol.http(s).Handler.openConnection}: hand out a guarded connection instead
     * of the JDK's (each attempt opens a JDK connection of its own), without building the JDK's first.
     */
    public static final class OpenConnection {
        private OpenConnection() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static URLConnection enter(@Advice.AllArguments Object[] args) {
            UrlConnectionHooks hooks = Bridge.urlConnection();
            return hooks == null ? null : hooks.open((URL) args[0], args.length > 1 ? (Proxy) args[1] : null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter URLConnection guarded,
                @Advice.Return(readOnly = false) URLConnection connection,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (guarded != null) {
                connection = guarded;
                thrown = null;
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
