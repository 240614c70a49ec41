package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import dev.upstreamguard.agent.core.HeaderSetter;
import dev.upstreamguard.agent.core.ResponseDrain;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
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
import org.apache.http.entity.HttpEntityWrapper;

/**
 * The attempts of one Apache 4 call, on the same request wrapper with its original headers put back
 * before each (as the client's own {@code RetryExec} does) and the attempt's timeouts in the context's
 * {@code RequestConfig}, restored afterwards. Used by the thread running the call.
 */
final class Apache4Exchange implements Exchange<CloseableHttpResponse> {

    private static final HeaderSetter<HttpRequestWrapper> HEADERS = HttpRequestWrapper::setHeader;

    private final ClientExecChain next;
    private final HttpRoute route;
    private final HttpRequestWrapper request;
    private final HttpClientContext context;
    private final HttpExecutionAware execAware;
    private final Header[] originalHeaders;
    private final RequestConfig config;
    private final GuardedExecChain.AppRetries appRetries;
    /** What the application's own request entity threw in the current attempt, or null. */
    private IOException bodyFailure;

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
        attempt.writeHeaders(request, HEADERS);
        bodyFailure = null;
        HttpEntity entity = null;
        if (request instanceof HttpEntityEnclosingRequest) {
            entity = ((HttpEntityEnclosingRequest) request).getEntity();
            if (entity != null) {
                ((HttpEntityEnclosingRequest) request).setEntity(new WatchedEntity(entity));
            }
        }
        try {
            if (!attempt.enforce()) {
                return next.execute(route, request, context, execAware);
            }
            // the wait for a pooled connection is part of the call (4.x waits forever by default)
            int poolWait = config.getConnectionRequestTimeout();
            context.setRequestConfig(RequestConfig.copy(config)
                    .setConnectTimeout(Attempt.clientMillis(attempt.connectTimeoutMillis()))
                    .setSocketTimeout(Attempt.clientMillis(attempt.readTimeoutMillis()))
                    .setConnectionRequestTimeout(Attempt.clientMillis(poolWait <= 0 ? attempt.callTimeLeftMillis()
                            : Math.min(poolWait, attempt.callTimeLeftMillis())))
                    .build());
            try {
                return next.execute(route, request, context, execAware);
            } finally {
                context.setRequestConfig(config); // an application may reuse its context for other calls
            }
        } finally {
            if (entity != null) {
                ((HttpEntityEnclosingRequest) request).setEntity(entity);
            }
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
    public boolean applicationFailure(Throwable error) {
        return error != null && error == bodyFailure;
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
        HttpEntity entity = response.getEntity();
        try {
            // read to the end within bounds: the connection goes back to the pool; else closing drops it
            ResponseDrain.drain(entity == null ? null : entity.getContent(), () -> closeQuietly(response));
        } catch (IOException | RuntimeException ignored) {
            // closing below drops the connection instead
        }
        closeQuietly(response);
    }

    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing the application could act on
        }
    }

    /**
     * The application's request entity, telling its own failures (a file gone, a serializer error) from
     * the connection's: what the socket side throws passes through a stream that remembers it.
     */
    private final class WatchedEntity extends HttpEntityWrapper {
        WatchedEntity(HttpEntity entity) {
            super(entity);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            WatchedStream watched = new WatchedStream(out);
            try {
                super.writeTo(watched);
            } catch (IOException e) {
                if (e != watched.failure) {
                    bodyFailure = e;
                }
                throw e;
            }
        }
    }

    /** Remembers what the connection's stream threw. */
    private static final class WatchedStream extends FilterOutputStream {
        IOException failure;

        WatchedStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
