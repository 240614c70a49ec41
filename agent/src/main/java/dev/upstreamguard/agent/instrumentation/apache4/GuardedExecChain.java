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
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.NonRepeatableRequestException;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;

/** The agent's link in an Apache 4 exec chain: runs the engine's attempts of each call. Thread-safe. */
final class GuardedExecChain implements ClientExecChain {

    /**
     * The retry settings of the application's builder: the handler it set explicitly (or null), the one
     * its client would have used (the explicit one or the default, null when it disabled retries), and
     * its {@code ServiceUnavailableRetryStrategy} (or null).
     */
    static final class AppRetries {
        final HttpRequestRetryHandler explicitHandler;
        final HttpRequestRetryHandler effectiveHandler;
        final ServiceUnavailableRetryStrategy serviceUnavailable;

        AppRetries(
                HttpRequestRetryHandler explicitHandler,
                HttpRequestRetryHandler effectiveHandler,
                ServiceUnavailableRetryStrategy serviceUnavailable) {
            this.explicitHandler = explicitHandler;
            this.effectiveHandler = effectiveHandler;
            this.serviceUnavailable = serviceUnavailable;
        }
    }

    private final ClientExecChain next;
    private final CallGuard guard;
    private final AppRetries appRetries;

    GuardedExecChain(ClientExecChain next, CallGuard guard, AppRetries appRetries) {
        this.next = next;
        this.guard = guard;
        this.appRetries = appRetries;
    }

    @Override
    public CloseableHttpResponse execute(
            HttpRoute route, HttpRequestWrapper request, HttpClientContext context, HttpExecutionAware execAware)
            throws IOException, HttpException {
        CallRequest call = describe(route, request);
        if (call == null) {
            return next.execute(route, request, context, execAware);
        }
        try {
            return guard.execute(call, new Apache4Exchange(next, route, request, context, execAware, appRetries));
        } catch (IOException e) {
            failAsTheClientWould(e, call, context, execAware);
            throw e;
        } catch (HttpException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        }
    }

    /**
     * The client's own {@code RetryExec} turns an I/O failure it would retry, on a request whose entity
     * cannot be sent again, into a {@code NonRepeatableRequestException} (which the client hands over
     * wrapped in a {@code ClientProtocolException}): the application was written against that.
     */
    private void failAsTheClientWould(
            IOException e, CallRequest call, HttpClientContext context, HttpExecutionAware execAware)
            throws NonRepeatableRequestException {
        HttpRequestRetryHandler handler = appRetries.effectiveHandler;
        // in observe mode the client's own RetryExec, outside this link, still does it
        if (!guard.enforcing()
                || call.replayable()
                || handler == null
                || (execAware != null && execAware.isAborted())) {
            return;
        }
        boolean wouldRetry;
        try {
            wouldRetry = handler.retryRequest(e, 1, context);
        } catch (RuntimeException handlerFailure) {
            AgentLog.warnOnce(
                    "apache4-retry-handler|" + handler.getClass().getName(),
                    "Apache HttpClient 4: the"
                            + " application's retry handler "
                            + handler.getClass().getName() + " failed ("
                            + handlerFailure.getClass().getName() + ")");
            return;
        }
        if (wouldRetry) {
            throw new NonRepeatableRequestException("Cannot retry request with a non-repeatable request entity", e);
        }
    }

    private static CallRequest describe(HttpRoute route, HttpRequestWrapper request) {
        try {
            HttpHost target = request.getTarget() != null ? request.getTarget() : route.getTargetHost();
            String scheme = target.getSchemeName().toLowerCase(Locale.ROOT);
            int port = CallRequest.portOf(scheme, target.getPort());
            URI uri = request.getURI();
            String url = uri.isAbsolute()
                    ? uri.toString()
                    : scheme + "://" + target.getHostName() + ':' + port
                            + request.getRequestLine().getUri();
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
