package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Throwables;
import java.io.IOException;
import java.util.Locale;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The first handler of every classic Apache 5 client's exec chain: runs the engine's attempts, each
 * one {@code chain.proceed} on a copy of the request. Thread-safe.
 */
final class GuardExecHandler implements ExecChainHandler {

    private final CallGuard guard;
    private final boolean appDisabledRetries;
    private volatile HttpRequestRetryStrategy appRetryStrategy;

    GuardExecHandler(CallGuard guard, boolean appDisabledRetries) {
        this.guard = guard;
        this.appDisabledRetries = appDisabledRetries;
    }

    /** The retry strategy the application set on the builder, {@code null} for none. */
    void appRetryStrategy(HttpRequestRetryStrategy strategy) {
        this.appRetryStrategy = appDisabledRetries ? null : strategy;
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        CallRequest call = describe(request, scope);
        if (call == null) {
            return chain.proceed(request, scope);
        }
        try {
            return guard.execute(call, new Apache5Exchange(request, scope, chain, appRetryStrategy));
        } catch (IOException | HttpException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        }
    }

    private static CallRequest describe(ClassicHttpRequest request, ExecChain.Scope scope) {
        try {
            HttpHost target = scope.route.getTargetHost();
            URIAuthority authority = request.getAuthority();
            String scheme = (request.getScheme() != null ? request.getScheme() : target.getSchemeName())
                    .toLowerCase(Locale.ROOT);
            String host = authority != null ? authority.getHostName() : target.getHostName();
            int port = CallRequest.portOf(scheme, authority != null ? authority.getPort() : target.getPort());
            // up to 5.3 a request made for a target host stays relative here: complete it from the route
            String url = null;
            try {
                java.net.URI uri = request.getUri();
                url = uri.isAbsolute() ? uri.toString() : null;
            } catch (java.net.URISyntaxException e) {
                // built below
            }
            if (url == null) {
                url = scheme + "://" + host + ':' + port + request.getRequestUri();
            }
            HttpEntity entity = request.getEntity();
            boolean replayable = entity == null || entity.isRepeatable();
            return new CallRequest(request.getMethod().toUpperCase(Locale.ROOT), scheme, host, port, url, replayable);
        } catch (RuntimeException e) {
            AgentLog.internalError("Apache HttpClient 5 request mapping", e);
            return null;
        }
    }
}
