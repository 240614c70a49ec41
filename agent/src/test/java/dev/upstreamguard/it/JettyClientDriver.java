package dev.upstreamguard.it;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Jetty's HttpClient 12, a started {@code new HttpClient()} with its own defaults (15 s connect, 64
 * connections per destination, redirects followed), through the blocking {@code Request.send()} or
 * {@code send(Response.CompleteListener)} with a {@code BufferingResponseListener}, whose completion it
 * checks ran exactly once. The application's own timeouts are Jetty's: the client's connect timeout, the
 * request's idle timeout. Daemon threads, so that the clients never hold the test JVM.
 */
final class JettyClientDriver implements ClientDriver {

    private static final long CALLBACK_WAIT_MS = 20;
    private static final HttpClient DEFAULTS = started(0);
    /** Clients with the application's own connect timeout, one per value (Jetty sets it per client). */
    private static final Map<Long, HttpClient> BY_CONNECT_TIMEOUT = new ConcurrentHashMap<>();

    private final HttpClient client;
    private final long idleTimeoutMillis;
    private final boolean async;

    JettyClientDriver(boolean async) {
        this(DEFAULTS, 0, async);
    }

    private JettyClientDriver(HttpClient client, long idleTimeoutMillis, boolean async) {
        this.client = client;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.async = async;
    }

    private static HttpClient started(long connectTimeoutMillis) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty-client-it");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("jetty-client-it-scheduler", true));
        if (connectTimeoutMillis > 0) {
            client.setConnectTimeout(connectTimeoutMillis);
        }
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("starting Jetty's HttpClient", e);
        }
        return client;
    }

    @Override
    public ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read) {
        HttpClient own = BY_CONNECT_TIMEOUT.computeIfAbsent(connect.toMillis(), JettyClientDriver::started);
        return new JettyClientDriver(own, read.toMillis(), async);
    }

    private Request request(String method, String url, String body) {
        Request request = client.newRequest(url).method(method);
        if (body != null) {
            request.body(new StringRequestContent("text/plain", body));
        }
        if (idleTimeoutMillis > 0) {
            request.idleTimeout(idleTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        return request;
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        return send(request(method, url, body), true);
    }

    private Reply send(Request request, boolean checkCallbacks) throws Exception {
        if (!async) {
            try {
                ContentResponse response = request.send();
                return reply(response, response.getContentAsString());
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        AtomicInteger completions = new AtomicInteger();
        request.send(new BufferingResponseListener() {
            @Override
            public void onComplete(Result r) {
                completions.incrementAndGet();
                if (r.isFailed()) {
                    result.completeExceptionally(r.getFailure());
                } else {
                    result.complete(reply(r.getResponse(), getContentAsString()));
                }
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            if (checkCallbacks) {
                Thread.sleep(CALLBACK_WAIT_MS); // a second completion would come right after the first
                if (completions.get() != 1) {
                    throw new AssertionError("the complete listener ran " + completions.get() + " times");
                }
            }
        }
    }

    @Override
    public InFlight startCancellable(String url) {
        Request request = request("GET", url, null);
        java.util.concurrent.CancellationException cancel =
                new java.util.concurrent.CancellationException("cancelled by the application");
        if (!async) {
            return Threads.inFlight(request::send, thread -> request.abort(cancel));
        }
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        request.send(result -> ended.complete(result.getFailure()));
        return new InFlight() {
            @Override
            public void cancel() {
                request.abort(cancel);
            }

            @Override
            public Throwable awaitEnd() throws Exception {
                return ended.get(10, TimeUnit.SECONDS);
            }
        };
    }

    @Override
    public Throwable callWithFailingBody(String url, IOException failure) {
        // a stream the application hands over, failing once Jetty reads past its first bytes
        InputStream upload = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served < 6) {
                    return "{\"id\":".charAt(served++);
                }
                throw failure;
            }
        };
        Request request =
                client.newRequest(url).method("POST").body(new InputStreamRequestContent("application/json", upload));
        try {
            send(request, false);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    public AutoCloseable holdConnections(String url, int count) throws Exception {
        List<InputStreamResponseListener> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            client.newRequest(url).send(listener);
            listener.get(10, TimeUnit.SECONDS); // the head came; the body stays unread
            held.add(listener);
        }
        return () -> {
            for (InputStreamResponseListener listener : held) {
                listener.getInputStream().close();
            }
        };
    }

    private static Reply reply(Response response, String body) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpField field : response.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        return new Reply(response.getStatus(), body, headers);
    }

    @Override
    public long fixedWaitMillis() {
        return async ? CALLBACK_WAIT_MS : 0;
    }

    @Override
    public Class<? extends Throwable> readTimeoutType() {
        return java.util.concurrent.TimeoutException.class; // Jetty's idle timeout
    }

    @Override
    public Class<? extends Throwable> connectTimeoutType() {
        return java.net.SocketTimeoutException.class; // "Connect Timeout"
    }

    @Override
    public String library() {
        return "jettyclient";
    }

    @Override
    public Class<?> libraryClass() {
        return HttpClient.class;
    }
}
