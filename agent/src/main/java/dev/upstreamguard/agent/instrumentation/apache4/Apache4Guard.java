package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.CallGuard;
import java.util.function.BiFunction;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * Wraps a client's protocol exec chain in {@link GuardedExecChain} as it is built, and in enforce mode
 * turns off the client's own retries. Loaded beside the application's HttpClient; thread-safe.
 */
public final class Apache4Guard implements BiFunction<Object, Object, Object> {

    private final CallGuard guard;

    public Apache4Guard(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public Object apply(Object builder, Object protocolExec) {
        if (guard.enforcing()) {
            ((HttpClientBuilder) builder).disableAutomaticRetries(); // read by build() right after this
        }
        return new GuardedExecChain((ClientExecChain) protocolExec, guard);
    }
}
