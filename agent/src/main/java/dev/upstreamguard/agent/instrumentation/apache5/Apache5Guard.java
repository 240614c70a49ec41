package dev.upstreamguard.agent.instrumentation.apache5;

import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.instrumentation.BuilderHook;
import dev.upstreamguard.agent.instrumentation.apache.BuilderFields;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Prepares an {@code HttpClientBuilder} as it builds: our handler first in the exec chain (once per
 * builder, which keeps its handlers across builds), and in enforce mode none of the client's own
 * retries. A retry strategy the application set explicitly ({@code setRetryStrategy}, unless it also
 * disabled automatic retries) is handed to the handler: the engine then keeps at least the attempts and
 * waits it asks for. Loaded beside the application's HttpClient; thread-safe.
 */
public final class Apache5Guard implements BuilderHook<HttpClientBuilder, Void> {

    static final String HANDLER_NAME = "upstream-guard";

    private static final Field RETRY_STRATEGY = field("retryStrategy");
    private static final Field RETRIES_DISABLED = field("automaticRetriesDisabled");

    private final CallGuard guard;
    private final Map<Object, GuardExecHandler> prepared = Collections.synchronizedMap(new WeakHashMap<>());

    public Apache5Guard(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public Void onBuild(HttpClientBuilder builder, Void unused) {
        GuardExecHandler handler = prepared.get(builder);
        if (handler == null) {
            // read before our own disableAutomaticRetries below: later builds see ours
            handler = new GuardExecHandler(guard, Boolean.TRUE.equals(read(RETRIES_DISABLED, builder)));
            prepared.put(builder, handler);
            builder.addExecInterceptorFirst(HANDLER_NAME, handler);
        }
        handler.appRetryStrategy((HttpRequestRetryStrategy) read(RETRY_STRATEGY, builder));
        if (guard.enforcing()) {
            builder.disableAutomaticRetries(); // our attempts replace the client's own re-sends
        }
        return null;
    }

    private static Object read(Field field, Object builder) {
        return BuilderFields.read(field, builder);
    }

    private static Field field(String name) {
        return BuilderFields.field(
                HttpClientBuilder.class,
                name,
                "Apache HttpClient 5",
                "a retry strategy the application set is replaced by the agent's retries");
    }
}
