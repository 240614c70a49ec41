package dev.upstreamguard.agent.instrumentation.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * OkHttp re-sends a request by itself when a 503 says {@code Retry-After: 0}, whatever
 * {@code retryOnConnectionFailure} says, and, when that is on, when a 408 has no {@code Retry-After}
 * (or {@code 0}): inside one of our attempts, so the upstream would see up to twice
 * {@code max-attempts} requests. This network interceptor (it runs below OkHttp's follow-up logic)
 * changes such a header so that OkHttp does not re-send (a 503's is removed, a 408 gets
 * {@code Retry-After: 1}) and keeps the original aside; {@link #restore} puts it back before anyone else
 * (the engine, the application) reads the response. Enforce mode only. Thread-safe.
 */
final class RetryAfterZeroShield implements Interceptor {

    /** The original {@code Retry-After}, empty when there was none. */
    static final String HIDDEN = "X-Upstream-Guard-Retry-After";

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        int code = response.code();
        if (code != 503 && code != 408) {
            return response;
        }
        String retryAfter = response.header("Retry-After");
        boolean zero = retryAfter != null && retryAfter.trim().equals("0");
        if (code == 503 && zero) {
            return response.newBuilder().removeHeader("Retry-After").header(HIDDEN, retryAfter).build();
        }
        if (code == 408 && (retryAfter == null || zero)) {
            return response.newBuilder().header("Retry-After", "1")
                    .header(HIDDEN, retryAfter == null ? "" : retryAfter).build();
        }
        return response;
    }

    /** The response as the upstream sent it: a hidden {@code Retry-After} back in place. */
    static Response restore(Response response) {
        String hidden = response.header(HIDDEN);
        if (hidden == null) {
            return response;
        }
        Response.Builder b = response.newBuilder().removeHeader(HIDDEN);
        return (hidden.isEmpty() ? b.removeHeader("Retry-After") : b.header("Retry-After", hidden)).build();
    }
}
