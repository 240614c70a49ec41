package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.UrlConnectionHooks;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URLConnection;
import javax.net.ssl.HttpsURLConnection;

/** The bridge's entry points for {@code HttpURLConnection}. Thread-safe. */
public final class UrlConnectionHooksImpl implements UrlConnectionHooks {

    private final CallGuard guard;

    public UrlConnectionHooksImpl(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public URLConnection wrap(URLConnection connection, Proxy proxy) {
        if (Bridge.passingThrough() || connection instanceof GuardedConnection
                || !(connection instanceof HttpURLConnection)) {
            return connection;
        }
        if (connection instanceof HttpsURLConnection) {
            return new GuardedHttpsURLConnection(connection.getURL(), proxy, guard);
        }
        return new GuardedHttpURLConnection(connection.getURL(), proxy, guard);
    }

    @Override
    public boolean suppressInternalRetry() {
        return guard.enforcing() && Bridge.passingThrough();
    }
}
