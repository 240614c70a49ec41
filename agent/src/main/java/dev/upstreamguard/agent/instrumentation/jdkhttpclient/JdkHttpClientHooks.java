package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.DeadlineWatch;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.CallResult;
import dev.upstreamguard.bootstrap.HttpClientHooks;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The bridge's entry points for {@code java.net.http.HttpClient}. Thread-safe.
 */
public final class JdkHttpClientHooks implements HttpClientHooks {

    private final CallGuard guard;
    private final long maxConnectTimeoutMillis;
    /** Bounds async attempts' heads, or null where the request's own timeout must (before Java 16). */
    private final DeadlineWatch asyncDeadlines;
    /**
     * Whether sync attempts use {@link #asyncDeadlines} too: {@link #SYNC_UNKNOWN} until the first sync
     * attempt asks, then {@link #SYNC_WATCHED}, or {@link #SYNC_UNWATCHED} when this JDK's {@code send}
     * hides its future from the advice. Found out on first use, not at start-up: looking at the client's
     * classes in {@code premain} would load them there and make the agent transform them before {@code main}.
     */
    private volatile int syncDeadlinesState = SYNC_UNKNOWN;

    private static final int SYNC_UNKNOWN = 0;
    private static final int SYNC_WATCHED = 1;
    private static final int SYNC_UNWATCHED = 2;
    /** Set on the thread that builds the agent's own exporter client. */
    private final ThreadLocal<Boolean> buildingInternalClient = new ThreadLocal<>();
    /** The agent's own clients (the OTLP exporter's): never guarded or traced. Usually one. */
    private volatile WeakReference<?>[] internalClients = new WeakReference<?>[0];
    /** The {@code ofByteArrays} publishers over a {@code Collection}, weakly; any other one is one-shot. */
    private final Map<Object, Boolean> reIterableByteArrays = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param maxConnectTimeoutMillis the connect timeout bound applied to every client built; a client
     *                                serves many dependencies, so it is the largest of their bounds
     * @param deadlines               bounds the wait for response heads (see {@link ResponseDeadline}),
     *                                or null to use each request's own timeout
     */
    public JdkHttpClientHooks(CallGuard guard, long maxConnectTimeoutMillis, DeadlineWatch deadlines) {
        this.guard = guard;
        this.maxConnectTimeoutMillis = maxConnectTimeoutMillis;
        // Before Java 16, cancelling the client's future does not abort its exchange.
        this.asyncDeadlines = Runtime.version().feature() >= 16 ? deadlines : null;
    }

    /**
     * The JDK's {@code send} is its private four-argument {@code sendAsync} plus a wait; the advice on
     * that method hands a sync attempt its future (see {@link HttpClientAdvice.InnerSendAsync}).
     */
    private static boolean innerSendAsyncExists() {
        try {
            for (Method m :
                    Class.forName("jdk.internal.net.http.HttpClientImpl").getDeclaredMethods()) {
                if (m.getName().equals("sendAsync")
                        && m.getParameterCount() == 4
                        && CompletableFuture.class.isAssignableFrom(m.getReturnType())) {
                    return true;
                }
            }
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            // another JDK's client: sync attempts keep the request timeout
        }
        return false;
    }

    DeadlineWatch asyncDeadlines() {
        return asyncDeadlines;
    }

    /** The watch for sync attempts' heads, or null when each request's own timeout must bound them. */
    DeadlineWatch syncDeadlines() {
        if (asyncDeadlines == null) {
            return null;
        }
        int state = syncDeadlinesState;
        if (state == SYNC_UNKNOWN) {
            state = innerSendAsyncExists() ? SYNC_WATCHED : SYNC_UNWATCHED; // a race computes the same answer
            syncDeadlinesState = state;
        }
        return state == SYNC_WATCHED ? asyncDeadlines : null;
    }

    /** A sync attempt's future never reached the advice: later sync attempts use the request timeout. */
    void syncDeadlinesUnavailable() {
        if (syncDeadlinesState != SYNC_UNWATCHED) {
            syncDeadlinesState = SYNC_UNWATCHED;
            AgentLog.warnOnce(
                    "jdk-sync-deadlines",
                    "HttpClient.send: this JDK does not hand the agent its "
                            + "future; read timeouts use each request's own timeout from now on");
        }
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
        JdkHttpExchange exchange =
                new JdkHttpExchange(this, (HttpClient) client, (HttpRequest) request, bodyHandler, null);
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
        return ApplicationFuture.of(guard.executeAsync(
                call,
                new JdkHttpExchange(
                        this, (HttpClient) client, (HttpRequest) request, bodyHandler, pushPromiseHandler)));
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
    public void exchangeStarted(Object future) {
        ResponseDeadline.handOver(future);
    }

    /** The requests of attempts in flight that watch for follow-ups, by identity; usually none or a few. */
    private final java.util.concurrent.ConcurrentHashMap<Identity, boolean[]> followUps =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Until {@link #unwatch}, a follow-up of {@code request} (by identity) sets {@code seen[0]}. */
    void watch(HttpRequest request, boolean[] seen) {
        followUps.put(new Identity(request), seen);
    }

    void unwatch(HttpRequest request) {
        followUps.remove(new Identity(request));
    }

    @Override
    public void followedUp(Object userRequest) {
        if (followUps.isEmpty()) {
            return;
        }
        boolean[] seen = followUps.get(new Identity(userRequest));
        if (seen != null) {
            seen[0] = true;
        }
    }

    /** A key compared by identity: {@code HttpRequest} compares by value. */
    private static final class Identity {
        private final Object target;

        Identity(Object target) {
            this.target = target;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity && ((Identity) o).target == target;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(target);
        }
    }

    @Override
    public void byteArraysPublisher(Object publisher, boolean reIterable) {
        if (reIterable) {
            reIterableByteArrays.put(publisher, Boolean.TRUE); // the publisher's identity: it has no equals
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
            HttpRequest.BodyPublisher body = r.bodyPublisher().orElse(null);
            boolean replayable = body == null || replayable(body);
            return new CallRequest(
                    r.method(),
                    scheme,
                    uri.getHost(),
                    CallRequest.portOf(scheme, uri.getPort()),
                    uri.toString(),
                    replayable);
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
     * adapted from the application's own Flow.Publisher or an InputStream supplier may not, nor one of
     * {@code ofByteArrays} over an {@code Iterable} that is not a {@code Collection} (it may iterate once).
     */
    boolean replayable(HttpRequest.BodyPublisher publisher) {
        String name = publisher.getClass().getName();
        if (!name.startsWith("jdk.internal.net.http.RequestPublishers$")) {
            return false;
        }
        if (name.endsWith("$IterablePublisher")) {
            return reIterableByteArrays.containsKey(publisher);
        }
        return !(name.endsWith("$PublisherAdapter")
                || name.endsWith("$InputStreamPublisher")
                || name.endsWith("$AggregatePublisher"));
    }
}
