package dev.upstreamguard.agent.instrumentation.okhttp;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The attempts of one OkHttp call, each proceeding down the interceptor chain with the attempt's
 * connect and read timeouts. Used by the thread running the call.
 */
final class OkHttpExchange implements Exchange<Response> {

    private final Interceptor.Chain chain;
    private final Request request;

    OkHttpExchange(Interceptor.Chain chain, Request request) {
        this.chain = chain;
        this.request = request;
    }

    @Override
    public long appConnectTimeoutMillis() {
        return chain.connectTimeoutMillis(); // OkHttp's own 10s default counts as the application's
    }

    @Override
    public long appReadTimeoutMillis() {
        return chain.readTimeoutMillis();
    }

    @Override
    public Response attempt(Attempt attempt) throws IOException {
        Interceptor.Chain c = chain;
        if (attempt.enforce()) {
            c = c.withConnectTimeout(millis(attempt.connectTimeoutMillis()), TimeUnit.MILLISECONDS)
                    .withReadTimeout(millis(attempt.readTimeoutMillis()), TimeUnit.MILLISECONDS);
        }
        return RetryAfterZeroShield.restore(c.proceed(requestFor(attempt)));
    }

    @Override
    public int status(Response response) {
        return response.code();
    }

    @Override
    public String header(Response response, String name) {
        return response.header(name);
    }

    @Override
    public void discard(Response response) {
        response.close(); // OkHttp drains a short remainder so the connection returns to the pool
    }

    private Request requestFor(Attempt attempt) {
        if (attempt.traceparent() == null) {
            return request;
        }
        Request.Builder b = request.newBuilder().header("traceparent", attempt.traceparent());
        if (attempt.tracestate() != null) {
            b.header("tracestate", attempt.tracestate());
        }
        return b.build();
    }

    private static int millis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }
}
