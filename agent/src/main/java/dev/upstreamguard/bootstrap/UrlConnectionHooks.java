package dev.upstreamguard.bootstrap;

import java.net.URLConnection;

/** Entry points for advice on the JDK's {@code http} and {@code https} URL stream handlers. */
public interface UrlConnectionHooks {

    /**
     * The guarded connection to hand to the application instead of the JDK's, or {@code null} to let the
     * handler make its own (the agent's own attempts, or a URL it does not guard).
     */
    URLConnection open(java.net.URL url, java.net.Proxy proxy);

    /** True when the JDK's own silent re-send of a failed request must be suppressed on this thread. */
    boolean suppressInternalRetry();
}
