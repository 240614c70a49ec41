package dev.upstreamguard.agent.instrumentation.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * OkHttp re-sends a request by itself when a 503 says {@code Retry-After: 0}, inside one of our
 * attempts, whatever {@code retryOnConnectionFailure} says: the upstream would see up to twice
 * {@code max-attempts} requests. This network interceptor (it runs below OkHttp's follow-up logic)
 * moves such a header aside, so OkHttp does not re-send; {@link #restore} puts it back before anyone
 * else (the engine, the application) reads the response. Enforce mode only. Thread-safe.
 *
 * <p>It also counts the network responses of the attempt running on this thread (see {@link #watch}):
 * once one came (a redirect OkHttp follows), a later connect failure no longer proves the request was
 * never sent.
 */
final class RetryAfterZeroShield implements Interceptor {

    static final String HIDDEN = "X-Upstream-Guard-Retry-After";

    /** The network responses of the attempt running on this thread; interceptors run on the call's thread. */
    private static final ThreadLocal<int[]> RESPONSES = new ThreadLocal<>();

    /** Starts counting this thread's network responses into {@code counter}; pair with {@link #unwatch}. */
    static void watch(int[] counter) {
        counter[0] = 0;
        RESPONSES.set(counter);
    }

    static void unwatch() {
        RESPONSES.remove();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        int[] counter = RESPONSES.get();
        if (counter != null) {
            counter[0]++;
        }
        String retryAfter = response.code() == 503 ? response.header("Retry-After") : null;
        if (retryAfter == null || !retryAfter.trim().equals("0")) {
            return response;
        }
        return response.newBuilder().removeHeader("Retry-After").header(HIDDEN, retryAfter).build();
    }

    /** The response as the upstream sent it: a hidden {@code Retry-After} back in place. */
    static Response restore(Response response) {
        String hidden = response.header(HIDDEN);
        if (hidden == null) {
            return response;
        }
        return response.newBuilder().removeHeader(HIDDEN).header("Retry-After", hidden).build();
    }
}
