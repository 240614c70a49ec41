package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.HeaderSetter;
import dev.upstreamguard.agent.instrumentation.apache.ApacheExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.protocol.RedirectLocations;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The attempts of one Apache 5 call. Each runs on a fresh copy of the request (so the protocol
 * handlers' headers do not pile up) with the attempt's connect and response timeouts in the context's
 * {@code RequestConfig}, which is put back afterwards. The per-request connect timeout, deprecated
 * since 5.2 in favour of {@code ConnectionConfig}, still overrides it per connect in 5.2 to 5.6.
 * Since those override the connection manager's {@code ConnectionConfig} and {@code SocketConfig},
 * the application's own values are read from all three places first: the shorter of the
 * application's and the agent's is the one applied. Used by the thread running the call.
 */
final class Apache5Exchange extends ApacheExchange<ClassicHttpResponse> {

    private static final HeaderSetter<ClassicHttpRequest> HEADERS = ClassicHttpRequest::setHeader;

    private final ClassicHttpRequest request;
    private final ExecChain.Scope scope;
    private final ExecChain chain;
    private final HttpClientContext context;
    private final RequestConfig config;
    private final HttpRequestRetryStrategy appRetries;
    /** The copy of the request the current attempt sends. */
    private ClassicHttpRequest copy;

    Apache5Exchange(
            ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain, HttpRequestRetryStrategy appRetries) {
        this.request = request;
        this.scope = scope;
        this.chain = chain;
        this.appRetries = appRetries;
        this.context = scope.clientContext;
        RequestConfig own = context.getRequestConfig();
        this.config = own != null ? own : RequestConfig.DEFAULT;
    }

    @Override
    @SuppressWarnings("deprecation")
    public long appConnectTimeoutMillis() {
        Timeout own = config.getConnectTimeout(); // when set, it overrides the ConnectionConfig's
        return own != null ? millis(own) : ManagerTimeouts.connectMillis(scope.execRuntime, scope.route);
    }

    @Override
    public long appReadTimeoutMillis() {
        Timeout own = config.getResponseTimeout(); // when set, the socket gets it before each request
        return own != null ? millis(own) : ManagerTimeouts.socketMillis(scope.execRuntime, scope.route);
    }

    @Override
    protected void prepare(Attempt attempt) {
        copy = ClassicRequestBuilder.copy(request).build();
        attempt.writeHeaders(copy, HEADERS);
        HttpEntity entity = copy.getEntity();
        if (entity != null) {
            copy.setEntity(new WatchedEntity(entity));
        }
    }

    @Override
    protected ClassicHttpResponse proceed() throws Exception {
        return chain.proceed(copy, scope);
    }

    @Override
    protected long appPoolWaitMillis() {
        return millis(config.getConnectionRequestTimeout());
    }

    @Override
    @SuppressWarnings("deprecation")
    protected void applyTimeouts(Attempt attempt, long poolWaitMillis) {
        context.setRequestConfig(RequestConfig.copy(config)
                .setConnectTimeout(Timeout.ofMilliseconds(attempt.connectTimeoutMillis()))
                .setResponseTimeout(Timeout.ofMilliseconds(attempt.readTimeoutMillis()))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(poolWaitMillis))
                .build());
    }

    @Override
    protected void restoreTimeouts() {
        context.setRequestConfig(config);
    }

    /** What the application's own {@code HttpRequestRetryStrategy} would do, asked as its retry exec asks. */
    @Override
    public long appRetryDelayMillis(ClassicHttpResponse response, Throwable error, int attempt) {
        if (appRetries == null) {
            return -1;
        }
        try {
            TimeValue wait;
            if (error instanceof IOException) {
                IOException e = (IOException) error;
                if (!appRetries.retryRequest(request, e, attempt, context)) {
                    return -1;
                }
                wait = appRetries.getRetryInterval(request, e, attempt, context);
            } else if (error == null && response != null) {
                if (!appRetries.retryRequest(response, attempt, context)) {
                    return -1;
                }
                wait = appRetries.getRetryInterval(response, attempt, context);
            } else {
                return -1;
            }
            return wait == null ? 0 : Math.max(0, wait.toMilliseconds());
        } catch (RuntimeException e) {
            AgentLog.warnOnce(
                    "apache5-retry-strategy|" + appRetries.getClass().getName(),
                    "Apache HttpClient 5: the"
                            + " application's retry strategy "
                            + appRetries.getClass().getName() + " failed ("
                            + e.getClass().getName() + "); the agent's retry settings apply");
            return -1;
        }
    }

    @Override
    public boolean mayHaveBeenSent(Throwable error) {
        // the redirect handler below us clears its list as each attempt starts, and adds each hop it follows
        RedirectLocations followed = context.getRedirectLocations();
        return followed != null && followed.size() > 0;
    }

    @Override
    public boolean cancelled() {
        // the request's cancel() aborts the execution it runs in
        return scope.execRuntime != null && scope.execRuntime.isExecutionAborted();
    }

    @Override
    public int status(ClassicHttpResponse response) {
        return response.getCode();
    }

    @Override
    public String header(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    @Override
    public void discard(ClassicHttpResponse response) {
        // read to the end within bounds: the connection goes back to the pool
        discard(response, content(response.getEntity()), this::dropConnection);
    }

    private InputStream content(HttpEntity entity) {
        try {
            return entity == null ? null : entity.getContent();
        } catch (IOException | RuntimeException e) {
            dropConnection(); // closing would read the rest of the body first, however slowly it comes
            return null;
        }
    }

    /** Closes the connection of the attempt's response at once, without reading what is left of it. */
    private void dropConnection() {
        if (scope.execRuntime != null) {
            scope.execRuntime.discardEndpoint();
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

    private static long millis(Timeout timeout) {
        return timeout == null || timeout.toMilliseconds() <= 0 ? 0 : timeout.toMilliseconds();
    }
}
