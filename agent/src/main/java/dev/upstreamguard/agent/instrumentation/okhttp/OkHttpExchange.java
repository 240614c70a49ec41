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
 * connect and read timeouts, and (enforce mode) its own {@link ResendShield.Sends} tag. Used by the
 * thread running the call.
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
        try {
            return RetryAfterZeroShield.restore(c.proceed(requestFor(attempt)));
        } catch (ResendShield.ResendRefused refused) {
            throw refused.original; // what the attempt failed with, before OkHttp tried to send it again
        }
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
        if (attempt.traceparent() == null && !attempt.enforce()) {
            return request;
        }
        Request.Builder b = request.newBuilder();
        if (attempt.traceparent() != null) {
            b.header("traceparent", attempt.traceparent());
            if (attempt.tracestate() != null) {
                b.header("tracestate", attempt.tracestate());
            }
        }
        if (attempt.enforce()) {
            b.tag(ResendShield.Sends.class, new ResendShield.Sends());
        }
        return b.build();
    }

    private static int millis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }
}
