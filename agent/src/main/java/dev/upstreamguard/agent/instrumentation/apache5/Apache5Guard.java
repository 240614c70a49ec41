package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.agent.core.CallGuard;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiFunction;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Prepares an {@code HttpClientBuilder} as it builds: our handler first in the exec chain (once per
 * builder, which keeps its handlers across builds), and in enforce mode none of the client's own
 * retries. Loaded beside the application's HttpClient; thread-safe.
 */
public final class Apache5Guard implements BiFunction<Object, Object, Object> {

    static final String HANDLER_NAME = "upstream-guard";

    private final CallGuard guard;
    private final Map<Object, Boolean> prepared = Collections.synchronizedMap(new WeakHashMap<>());

    public Apache5Guard(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public Object apply(Object target, Object unused) {
        HttpClientBuilder builder = (HttpClientBuilder) target;
        if (prepared.put(builder, Boolean.TRUE) == null) {
            builder.addExecInterceptorFirst(HANDLER_NAME, new GuardExecHandler(guard));
        }
        if (guard.enforcing()) {
            builder.disableAutomaticRetries(); // our attempts replace the client's own re-sends
        }
        return null;
    }
}
