package dev.upstreamguard.agent.instrumentation.apache4;

import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.instrumentation.BuilderHook;
import dev.upstreamguard.agent.instrumentation.apache.BuilderFields;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.impl.client.DefaultHttpRequestRetryHandler;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * Wraps a client's protocol exec chain in {@link GuardedExecChain} as it is built, and in enforce mode
 * turns off the client's own retries (its {@code HttpRequestRetryHandler} and any
 * {@code ServiceUnavailableRetryStrategy} the application set). Those the application set explicitly
 * are handed to the chain first: the engine keeps at least the attempts and waits they ask for, and
 * the application still gets the exception its client would throw. Loaded beside the application's
 * HttpClient; thread-safe.
 */
public final class Apache4Guard implements BuilderHook<HttpClientBuilder, ClientExecChain> {

    private static final Field RETRY_HANDLER = field("retryHandler");
    private static final Field SERVICE_UNAVAILABLE = field("serviceUnavailStrategy");
    private static final Field RETRIES_DISABLED = field("automaticRetriesDisabled");

    private final CallGuard guard;
    /** Per builder, as the application left it before our first change: {retries disabled, 503 strategy}. */
    private final Map<Object, Object[]> appSettings = Collections.synchronizedMap(new WeakHashMap<>());

    public Apache4Guard(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public ClientExecChain onBuild(HttpClientBuilder builder, ClientExecChain protocolExec) {
        // Our own changes below stay on the builder: on a later build, remember what the application had.
        Object[] first = appSettings.get(builder);
        if (first == null) {
            first = new Object[] {
                Boolean.TRUE.equals(read(RETRIES_DISABLED, builder)), read(SERVICE_UNAVAILABLE, builder)
            };
            appSettings.put(builder, first);
        }
        Object unavailable = read(SERVICE_UNAVAILABLE, builder);
        if (unavailable == null) {
            unavailable = first[1];
        } else {
            first[1] = unavailable; // set again by the application since
        }
        HttpRequestRetryHandler handler = null;
        HttpRequestRetryHandler effective = null;
        if (!Boolean.TRUE.equals(first[0])) {
            handler = (HttpRequestRetryHandler) read(RETRY_HANDLER, builder);
            effective = handler != null ? handler : DefaultHttpRequestRetryHandler.INSTANCE;
        }
        if (guard.enforcing()) {
            // build() reads both right after this: no I/O retries, no re-send of a 503 by the client itself
            builder.disableAutomaticRetries();
            builder.setServiceUnavailableRetryStrategy(null);
        }
        return new GuardedExecChain(
                protocolExec,
                guard,
                new GuardedExecChain.AppRetries(handler, effective, (ServiceUnavailableRetryStrategy) unavailable));
    }

    private static Object read(Field field, Object builder) {
        return BuilderFields.read(field, builder);
    }

    private static Field field(String name) {
        return BuilderFields.field(
                HttpClientBuilder.class,
                name,
                "Apache HttpClient 4",
                "the application's own retry setting is replaced by the agent's retries");
    }
}
