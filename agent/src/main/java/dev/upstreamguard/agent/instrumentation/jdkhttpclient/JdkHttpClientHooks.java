package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.CallResult;
import dev.upstreamguard.bootstrap.HttpClientHooks;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;

/**
 * The bridge's entry points for {@code java.net.http.HttpClient}. Thread-safe.
 */
public final class JdkHttpClientHooks implements HttpClientHooks {

    private final CallGuard guard;
    private final long maxConnectTimeoutMillis;
    /** Set on the thread that builds the agent's own exporter client. */
    private final ThreadLocal<Boolean> buildingInternalClient = new ThreadLocal<>();
    /** The agent's own clients (the OTLP exporter's): never guarded or traced. Usually one. */
    private volatile WeakReference<?>[] internalClients = new WeakReference<?>[0];

    /**
     * @param maxConnectTimeoutMillis the connect timeout bound applied to every client built; a client
     *                                serves many dependencies, so it is the largest of their bounds
     */
    public JdkHttpClientHooks(CallGuard guard, long maxConnectTimeoutMillis) {
        this.guard = guard;
        this.maxConnectTimeoutMillis = maxConnectTimeoutMillis;
    }

    /** Runs {@code task} so that any client it builds is treated as the agent's own. */
    public void buildInternalClients(Runnable task) {
        buildingInternalClient.set(Boolean.TRUE);
        try {
            task.run();
        } finally {
            buildingInternalClient.remove();
        }
    }

    @Override
    public CallResult send(Object client, Object request, Object bodyHandler) {
        CallRequest call = describe(client, request);
        if (call == null) {
            return null;
        }
        JdkHttpExchange exchange = new JdkHttpExchange((HttpClient) client, (HttpRequest) request, bodyHandler, null);
        try {
            return CallResult.value(guard.execute(call, exchange));
        } catch (Throwable t) {
            return CallResult.error(t);
        }
    }

    @Override
    public Object sendAsync(Object client, Object request, Object bodyHandler, Object pushPromiseHandler) {
        CallRequest call = describe(client, request);
        if (call == null) {
            return null;
        }
        return guard.executeAsync(call,
                new JdkHttpExchange((HttpClient) client, (HttpRequest) request, bodyHandler, pushPromiseHandler));
    }

    @Override
    public Object connectTimeout(Object builderConnectTimeout) {
        if (!guard.enforcing() || buildingInternalClient.get() != null) {
            return null;
        }
        Duration own = (Duration) builderConnectTimeout;
        if (own != null && !own.isNegative() && !own.isZero() && own.toMillis() <= maxConnectTimeoutMillis) {
            return null; // the application's shorter setting is kept
        }
        return Duration.ofMillis(maxConnectTimeoutMillis);
    }

    @Override
    public void clientBuilt(Object client) {
        if (buildingInternalClient.get() == null) {
            return;
        }
        synchronized (this) {
            WeakReference<?>[] current = internalClients;
            WeakReference<?>[] next = java.util.Arrays.copyOf(current, current.length + 1);
            next[current.length] = new WeakReference<>(client);
            internalClients = next;
        }
    }

    @Override
    public boolean suppressInternalRetry() {
        return guard.enforcing();
    }

    /** The neutral view of a call, or {@code null} when it is not to be guarded. */
    private CallRequest describe(Object client, Object request) {
        if (Bridge.passingThrough() || isInternal(client)) {
            return null;
        }
        try {
            HttpRequest r = (HttpRequest) request;
            URI uri = r.uri();
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                return null; // the client will reject it itself
            }
            boolean replayable = r.bodyPublisher().map(JdkHttpClientHooks::replayable).orElse(true);
            return new CallRequest(r.method(), scheme, uri.getHost(), CallRequest.portOf(scheme, uri.getPort()),
                    uri.toString(), replayable);
        } catch (RuntimeException e) {
            AgentLog.internalError("HttpClient request mapping", e);
            return null;
        }
    }

    private boolean isInternal(Object client) {
        for (WeakReference<?> ref : internalClients) {
            if (ref.get() == client) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JDK's own publishers of bytes, strings, files and no body can be subscribed again; a publisher
     * adapted from the application's own Flow.Publisher or an InputStream supplier may not.
     */
    static boolean replayable(HttpRequest.BodyPublisher publisher) {
        String name = publisher.getClass().getName();
        if (!name.startsWith("jdk.internal.net.http.RequestPublishers$")) {
            return false;
        }
        return !(name.endsWith("$PublisherAdapter") || name.endsWith("$InputStreamPublisher")
                || name.endsWith("$AggregatePublisher"));
    }
}
