package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.UrlConnectionHooks;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;

/** The bridge's entry points for {@code HttpURLConnection}. Thread-safe. */
public final class UrlConnectionHooksImpl implements UrlConnectionHooks {

    private final CallGuard guard;

    public UrlConnectionHooksImpl(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public URLConnection open(URL url, Proxy proxy) {
        if (Bridge.passingThrough() || url == null) {
            return null;
        }
        String protocol = url.getProtocol();
        if ("https".equalsIgnoreCase(protocol)) {
            return new GuardedHttpsURLConnection(url, proxy, guard);
        }
        if ("http".equalsIgnoreCase(protocol)) {
            return new GuardedHttpURLConnection(url, proxy, guard);
        }
        return null;
    }

    @Override
    public boolean suppressInternalRetry() {
        return guard.enforcing() && Bridge.passingThrough();
    }
}
