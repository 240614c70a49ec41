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
 *
 * <p>It also counts the network responses of the attempt running on this thread (see {@link #watch}):
 * once one came (a redirect OkHttp follows), a later connect failure no longer proves the request was
 * never sent.
 */
final class RetryAfterZeroShield implements Interceptor {

    /** The original {@code Retry-After}, empty when there was none. */
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
        int code = response.code();
        if (code != 503 && code != 408) {
            return response;
        }
        String retryAfter = response.header("Retry-After");
        boolean zero = retryAfter != null && retryAfter.trim().equals("0");
        if (code == 503 && zero) {
            return response.newBuilder()
                    .removeHeader("Retry-After")
                    .header(HIDDEN, retryAfter)
                    .build();
        }
        if (code == 408 && (retryAfter == null || zero)) {
            return response.newBuilder()
                    .header("Retry-After", "1")
                    .header(HIDDEN, retryAfter == null ? "" : retryAfter)
                    .build();
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
