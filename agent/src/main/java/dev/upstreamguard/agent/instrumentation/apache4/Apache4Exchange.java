package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.HeaderSetter;
import dev.upstreamguard.agent.instrumentation.apache.ApacheExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.entity.HttpEntityWrapper;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * The attempts of one Apache 4 call, on the same request wrapper with its original headers put back
 * before each (as the client's own {@code RetryExec} does) and the attempt's timeouts in the context's
 * {@code RequestConfig}, restored afterwards. Used by the thread running the call.
 */
final class Apache4Exchange extends ApacheExchange<CloseableHttpResponse> {

    private static final HeaderSetter<HttpRequestWrapper> HEADERS = HttpRequestWrapper::setHeader;

    private final ClientExecChain next;
    private final HttpRoute route;
    private final HttpRequestWrapper request;
    private final HttpClientContext context;
    private final HttpExecutionAware execAware;
    private final Header[] originalHeaders;
    private final RequestConfig config;
    private final GuardedExecChain.AppRetries appRetries;
    /** The application's own entity while the attempt sends a watched one, else null. */
    private HttpEntity entity;

    Apache4Exchange(
            ClientExecChain next,
            HttpRoute route,
            HttpRequestWrapper request,
            HttpClientContext context,
            HttpExecutionAware execAware,
            GuardedExecChain.AppRetries appRetries) {
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
    protected void prepare(Attempt attempt) {
        request.setHeaders(originalHeaders);
        attempt.writeHeaders(request, HEADERS);
        entity = request instanceof HttpEntityEnclosingRequest
                ? ((HttpEntityEnclosingRequest) request).getEntity()
                : null;
        if (entity != null) {
            ((HttpEntityEnclosingRequest) request).setEntity(new WatchedEntity(entity));
        }
    }

    @Override
    protected CloseableHttpResponse proceed() throws Exception {
        return next.execute(route, request, context, execAware);
    }

    @Override
    protected long appPoolWaitMillis() {
        return config.getConnectionRequestTimeout(); // 4.x waits forever by default
    }

    @Override
    protected void applyTimeouts(Attempt attempt, long poolWaitMillis) {
        context.setRequestConfig(RequestConfig.copy(config)
                .setConnectTimeout(Attempt.clientMillis(attempt.connectTimeoutMillis()))
                .setSocketTimeout(Attempt.clientMillis(attempt.readTimeoutMillis()))
                .setConnectionRequestTimeout(Attempt.clientMillis(poolWaitMillis))
                .build());
    }

    @Override
    protected void restoreTimeouts() {
        context.setRequestConfig(config);
    }

    @Override
    protected void afterAttempt() {
        if (entity != null) {
            ((HttpEntityEnclosingRequest) request).setEntity(entity);
            entity = null;
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
            if (error == null
                    && response != null
                    && unavailable != null
                    && unavailable.retryRequest(response, attempt, context)) {
                return Math.max(0, unavailable.getRetryInterval());
            }
            return -1;
        } catch (RuntimeException e) {
            AgentLog.warnOnce(
                    "apache4-app-retries|" + e.getClass().getName(),
                    "Apache HttpClient 4: the" + " application's retry setting failed ("
                            + e.getClass().getName() + "); the agent's retry settings apply");
            return -1;
        }
    }

    @Override
    public boolean cancelled() {
        return execAware != null && execAware.isAborted(); // the request's abort()
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
        // read to the end within bounds: the connection goes back to the pool; else closing drops it
        discard(response, content(response.getEntity()), () -> closeQuietly(response));
    }

    private static InputStream content(HttpEntity entity) {
        try {
            return entity == null ? null : entity.getContent();
        } catch (IOException | RuntimeException e) {
            return null; // closing drops the connection instead
        }
    }

    /** The application's request entity, written through {@link #writeWatched}. */
    private final class WatchedEntity extends HttpEntityWrapper {
        WatchedEntity(HttpEntity entity) {
            super(entity);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            writeWatched(out, super::writeTo);
        }
    }
}
