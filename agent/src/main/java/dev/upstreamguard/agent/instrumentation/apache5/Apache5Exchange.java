package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The attempts of one Apache 5 call. Each runs on a fresh copy of the request (so the protocol
 * handlers' headers do not pile up) with the attempt's connect and response timeouts in the context's
 * {@code RequestConfig}, which is put back afterwards. The per-request connect timeout, deprecated
 * since 5.2 in favour of {@code ConnectionConfig}, still overrides it per connect in 5.2 to 5.6.
 * Used by the thread running the call.
 */
final class Apache5Exchange implements Exchange<ClassicHttpResponse> {

    private final ClassicHttpRequest request;
    private final ExecChain.Scope scope;
    private final ExecChain chain;
    private final HttpClientContext context;
    private final RequestConfig config;

    Apache5Exchange(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain) {
        this.request = request;
        this.scope = scope;
        this.chain = chain;
        this.context = scope.clientContext;
        RequestConfig own = context.getRequestConfig();
        this.config = own != null ? own : RequestConfig.DEFAULT;
    }

    @Override
    @SuppressWarnings("deprecation")
    public long appConnectTimeoutMillis() {
        return millis(config.getConnectTimeout());
    }

    @Override
    public long appReadTimeoutMillis() {
        return millis(config.getResponseTimeout());
    }

    @Override
    @SuppressWarnings("deprecation")
    public ClassicHttpResponse attempt(Attempt attempt) throws IOException, HttpException {
        ClassicHttpRequest copy = ClassicRequestBuilder.copy(request).build();
        if (attempt.traceparent() != null) {
            copy.setHeader("traceparent", attempt.traceparent());
            if (attempt.tracestate() != null) {
                copy.setHeader("tracestate", attempt.tracestate());
            }
        }
        if (!attempt.enforce()) {
            return chain.proceed(copy, scope);
        }
        context.setRequestConfig(RequestConfig.copy(config)
                .setConnectTimeout(Timeout.ofMilliseconds(attempt.connectTimeoutMillis()))
                .setResponseTimeout(Timeout.ofMilliseconds(attempt.readTimeoutMillis()))
                .build());
        try {
            return chain.proceed(copy, scope);
        } finally {
            context.setRequestConfig(config); // an application may reuse its context for other calls
        }
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

    private static long millis(Timeout timeout) {
        return timeout == null || timeout.toMilliseconds() <= 0 ? 0 : timeout.toMilliseconds();
    }
}
