package dev.upstreamguard.filter;

import java.util.Set;

/**
 * Recognises the downstream client going away, which servlet containers report as exceptions that look
 * like I/O failures (Jetty's {@code EofException}, Tomcat's {@code ClientAbortException}, often wrapping a
 * "Connection reset by peer" or "Broken pipe"). Such a failure is never an upstream failure, wherever it
 * sits in the cause chain: there is nobody left to answer.
 */
final class ClientAbort {
    private static final Set<String> TYPES =
            Set.of("org.eclipse.jetty.io.EofException", "org.apache.catalina.connector.ClientAbortException");

    private ClientAbort() {}

    static boolean isClientAbort(Throwable failure) {
        for (Throwable t : CauseChain.of(failure)) {
            if (CauseChain.isA(t, TYPES)) {
                return true;
            }
        }
        return false;
    }
}
