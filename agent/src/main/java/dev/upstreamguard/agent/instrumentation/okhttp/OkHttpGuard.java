package dev.upstreamguard.agent.instrumentation.okhttp;

import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.instrumentation.BuilderHook;
import java.util.List;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * Prepares an {@code OkHttpClient.Builder} as its client is made: our interceptor first (once, since
 * builders are reused and copied by {@code newBuilder()}), and no silent re-send by OkHttp itself in
 * enforce mode (neither after a failed send, nor on a {@code 408}, nor on {@code 503 Retry-After: 0}),
 * while OkHttp still tries a host name's next address when a connect fails. Loaded beside the
 * application's OkHttp; thread-safe.
 */
public final class OkHttpGuard implements BuilderHook<OkHttpClient.Builder, Void> {

    private final CallGuard guard;

    public OkHttpGuard(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public Void onBuild(OkHttpClient.Builder builder, Void unused) {
        List<Interceptor> interceptors = builder.interceptors();
        boolean present = false;
        for (Interceptor interceptor : interceptors) {
            present |= interceptor instanceof GuardInterceptor;
        }
        if (!present) {
            interceptors.add(0, new GuardInterceptor(guard));
        }
        if (guard.enforcing()) {
            // retryOnConnectionFailure stays as the application set it: its route fallback is kept, its
            // re-sends are stopped by the ResendShield (our attempts replace them)
            boolean shielded = false;
            boolean resendShielded = false;
            for (Interceptor interceptor : builder.networkInterceptors()) {
                shielded |= interceptor instanceof RetryAfterZeroShield;
                resendShielded |= interceptor instanceof ResendShield;
            }
            if (!shielded) {
                builder.networkInterceptors().add(new RetryAfterZeroShield());
            }
            if (!resendShielded) {
                builder.networkInterceptors().add(new ResendShield());
            }
        }
        return null;
    }
}
