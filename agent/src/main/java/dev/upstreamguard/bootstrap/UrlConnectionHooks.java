package dev.upstreamguard.bootstrap;

import java.net.URLConnection;

/** Entry points for advice on the JDK's {@code http} and {@code https} URL stream handlers. */
public interface UrlConnectionHooks {

    /** Returns the connection to hand to the application: a guarded one, or {@code connection} itself. */
    URLConnection wrap(URLConnection connection, java.net.Proxy proxy);

    /** True when the JDK's own silent re-send of a failed request must be suppressed on this thread. */
    boolean suppressInternalRetry();
}
