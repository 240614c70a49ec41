package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import java.io.IOException;
import org.apache.http.Header;
import org.apache.http.HttpException;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.util.EntityUtils;

/**
 * The attempts of one Apache 4 call, on the same request wrapper with its original headers put back
 * before each (as the client's own {@code RetryExec} does) and the attempt's timeouts in the context's
 * {@code RequestConfig}, restored afterwards. Used by the thread running the call.
 */
final class Apache4Exchange implements Exchange<CloseableHttpResponse> {

    private final ClientExecChain next;
    private final HttpRoute route;
    private final HttpRequestWrapper request;
    private final HttpClientContext context;
    private final HttpExecutionAware execAware;
    private final Header[] originalHeaders;
    private final RequestConfig config;
    private final GuardedExecChain.AppRetries appRetries;

    Apache4Exchange(ClientExecChain next, HttpRoute route, HttpRequestWrapper request, HttpClientContext context,
                    HttpExecutionAware execAware, GuardedExecChain.AppRetries appRetries) {
        this.appRetries = appRetries;
        this.next = next;
        this.route = route;
        this.request = request;
        this.context = context;
        this.execAware = execAware;
        this.originalHeaders = request.getAllHeaders();
        RequestConfig own = context.getRequestConfig();
        this.config = own != null ? own : RequestConfig.DEFAULT;
    }

    @Override
    public long appConnectTimeoutMillis() {
        return Math.max(0, config.getConnectTimeout()); // -1: the system default, infinite
    }

    @Override
    public long appReadTimeoutMillis() {
        return Math.max(0, config.getSocketTimeout());
    }

    @Override
    public CloseableHttpResponse attempt(Attempt attempt) throws IOException, HttpException {
        request.setHeaders(originalHeaders);
        if (attempt.traceparent() != null) {
            request.setHeader("traceparent", attempt.traceparent());
            if (attempt.tracestate() != null) {
                request.setHeader("tracestate", attempt.tracestate());
            }
        }
        if (!attempt.enforce()) {
            return next.execute(route, request, context, execAware);
        }
        context.setRequestConfig(RequestConfig.copy(config)
                .setConnectTimeout(toInt(attempt.connectTimeoutMillis()))
                .setSocketTimeout(toInt(attempt.readTimeoutMillis()))
                .build());
        try {
            return next.execute(route, request, context, execAware);
        } finally {
            context.setRequestConfig(config); // an application may reuse its context for other calls
        }
    }

    /**
     * What the application's explicit retry handler (I/O failures, re-sent at once) or
     * {@code ServiceUnavailableRetryStrategy} (responses, after its interval) would do, asked as the
     * client's own retry execs ask.
     */
    @Override
    public long appRetryDelayMillis(CloseableHttpResponse response, Throwable error, int attempt) {
        try {
            if (error instanceof IOException) {
                HttpRequestRetryHandler handler = appRetries.explicitHandler;
                return handler != null && handler.retryRequest((IOException) error, attempt, context) ? 0 : -1;
            }
            ServiceUnavailableRetryStrategy unavailable = appRetries.serviceUnavailable;
            if (error == null && response != null && unavailable != null
                    && unavailable.retryRequest(response, attempt, context)) {
                return Math.max(0, unavailable.getRetryInterval());
            }
            return -1;
        } catch (RuntimeException e) {
            AgentLog.warnOnce("apache4-app-retries|" + e.getClass().getName(), "Apache HttpClient 4: the"
                    + " application's retry setting failed (" + e.getClass().getName() + "); the agent's retry settings apply");
            return -1;
        }
    }

    @Override
    public int status(CloseableHttpResponse response) {
        return response.getStatusLine().getStatusCode();
    }

    @Override
    public String header(CloseableHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    @Override
    public void discard(CloseableHttpResponse response) {
        try {
            EntityUtils.consume(response.getEntity()); // read to the end: the connection goes back to the pool
        } catch (IOException ignored) {
            // closing below drops the connection instead
        }
        try {
            response.close();
        } catch (IOException ignored) {
            // nothing the application could act on
        }
    }

    private static int toInt(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }
}
