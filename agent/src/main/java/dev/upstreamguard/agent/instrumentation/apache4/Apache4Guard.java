package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.CallGuard;
import java.util.function.BiFunction;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * Wraps a client's protocol exec chain in {@link GuardedExecChain} as it is built, and in enforce mode
 * turns off the client's own retries (its {@code HttpRequestRetryHandler} and any
 * {@code ServiceUnavailableRetryStrategy} the application set). Loaded beside the application's HttpClient; thread-safe.
 */
public final class Apache4Guard implements BiFunction<Object, Object, Object> {

    private final CallGuard guard;

    public Apache4Guard(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public Object apply(Object builder, Object protocolExec) {
        if (guard.enforcing()) {
            // build() reads both right after this: no I/O retries, no re-send of a 503 by the client itself
            HttpClientBuilder b = (HttpClientBuilder) builder;
            b.disableAutomaticRetries();
            b.setServiceUnavailableRetryStrategy(null);
        }
        return new GuardedExecChain((ClientExecChain) protocolExec, guard);
    }
}
