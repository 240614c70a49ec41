package dev.upstreamguard.it;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * OkHttp, {@code new OkHttpClient()} with its own defaults (10 s timeouts, retryOnConnectionFailure),
 * through {@code execute} or {@code enqueue}. With {@code enqueue} it also checks that the callback
 * ran exactly once.
 */
final class OkHttpDriver implements ClientDriver {

    private static final long CALLBACK_WAIT_MS = 20;

    private final OkHttpClient client;
    private final boolean async;

    OkHttpDriver(boolean async) {
        this(new OkHttpClient(), async);
    }

    private OkHttpDriver(OkHttpClient client, boolean async) {
        this.client = client;
        this.async = async;
    }

    /** Per call, as OkHttp advises: a client derived from the shared one by {@code newBuilder()}. */
    @Override
    public ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read) {
        return new OkHttpDriver(
                client.newBuilder().connectTimeout(connect).readTimeout(read).build(), async);
    }

    @Override
    public Reply call(String method, String url, String body) throws Exception {
        RequestBody requestBody = body == null ? null : RequestBody.create(body, MediaType.get("text/plain"));
        Call call = client.newCall(
                new Request.Builder().url(url).method(method, requestBody).build());
        if (!async) {
            try (Response response = call.execute()) {
                return reply(response);
            }
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        AtomicInteger callbacks = new AtomicInteger();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                callbacks.incrementAndGet();
                result.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call c, Response response) {
                callbacks.incrementAndGet();
                try (response) {
                    result.complete(reply(response));
                } catch (IOException e) {
                    result.completeExceptionally(e);
                }
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            Thread.sleep(CALLBACK_WAIT_MS); // a second callback would come right after the first
            if (callbacks.get() != 1) {
                throw new AssertionError("enqueue callback ran " + callbacks.get() + " times");
            }
        }
    }

    @Override
    public InFlight startCancellable(String url) {
        Call call = client.newCall(new Request.Builder().url(url).build());
        if (!async) {
            return Threads.inFlight(
                    () -> {
                        try (Response response = call.execute()) {
                            return reply(response);
                        }
                    },
                    thread -> call.cancel());
        }
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                ended.complete(e);
            }

            @Override
            public void onResponse(Call c, Response response) {
                response.close();
                ended.complete(null);
            }
        });
        return new InFlight() {
            @Override
            public void cancel() {
                call.cancel();
            }

            @Override
            public Throwable awaitEnd() throws Exception {
                return ended.get(10, TimeUnit.SECONDS);
            }
        };
    }

    @Override
    public Throwable callWithFailingBody(String url, IOException failure) {
        // a lazy body, serialised only when OkHttp writes it (a Jackson error, a missing file)
        RequestBody body = new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                sink.writeUtf8("{\"id\":");
                throw failure;
            }
        };
        try {
            call(client.newCall(new Request.Builder().url(url).post(body).build()));
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private Reply call(Call call) throws Exception {
        if (!async) {
            try (Response response = call.execute()) {
                return reply(response);
            }
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                result.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call c, Response response) {
                try (response) {
                    result.complete(reply(response));
                } catch (IOException e) {
                    result.completeExceptionally(e);
                }
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Override
    public AutoCloseable holdConnections(String url, int count) throws IOException {
        List<Response> held = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(client.newCall(new Request.Builder().url(url).build()).execute());
        }
        return () -> held.forEach(Response::close);
    }

    private static Reply reply(Response response) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.headers().toMultimap());
        return new Reply(response.code(), response.body().string(), headers);
    }

    @Override
    public long fixedWaitMillis() {
        return async ? CALLBACK_WAIT_MS : 0;
    }

    @Override
    public Class<? extends Throwable> readTimeoutType() {
        return java.net.SocketTimeoutException.class;
    }

    @Override
    public Class<? extends Throwable> connectTimeoutType() {
        return java.net.SocketTimeoutException.class;
    }

    @Override
    public String library() {
        return "okhttp";
    }

    @Override
    public Class<?> libraryClass() {
        return okhttp3.OkHttpClient.class;
    }
}
