package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Throwables;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;

/** The agent's link in an Apache 4 exec chain: runs the engine's attempts of each call. Thread-safe. */
final class GuardedExecChain implements ClientExecChain {

    private final ClientExecChain next;
    private final CallGuard guard;

    GuardedExecChain(ClientExecChain next, CallGuard guard) {
        this.next = next;
        this.guard = guard;
    }

    @Override
    public CloseableHttpResponse execute(HttpRoute route, HttpRequestWrapper request, HttpClientContext context,
                                         HttpExecutionAware execAware) throws IOException, HttpException {
        CallRequest call = describe(route, request);
        if (call == null) {
            return next.execute(route, request, context, execAware);
        }
        try {
            return guard.execute(call, new Apache4Exchange(next, route, request, context, execAware));
        } catch (IOException | HttpException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        }
    }

    private static CallRequest describe(HttpRoute route, HttpRequestWrapper request) {
        try {
            HttpHost target = request.getTarget() != null ? request.getTarget() : route.getTargetHost();
            String scheme = target.getSchemeName().toLowerCase(Locale.ROOT);
            int port = CallRequest.portOf(scheme, target.getPort());
            URI uri = request.getURI();
            String url = uri.isAbsolute() ? uri.toString()
                    : scheme + "://" + target.getHostName() + ':' + port + request.getRequestLine().getUri();
            boolean replayable = true;
            if (request instanceof HttpEntityEnclosingRequest) {
                HttpEntity entity = ((HttpEntityEnclosingRequest) request).getEntity();
                replayable = entity == null || entity.isRepeatable();
            }
            String method = request.getRequestLine().getMethod().toUpperCase(Locale.ROOT);
            return new CallRequest(method, scheme, target.getHostName(), port, url, replayable);
        } catch (RuntimeException e) {
            AgentLog.internalError("Apache HttpClient 4 request mapping", e);
            return null;
        }
    }
}
