package dev.upstreamguard.agent.instrumentation.okhttp;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import dev.upstreamguard.agent.core.HeaderSetter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;
import okio.Sink;

/**
 * The attempts of one OkHttp call, each proceeding down the interceptor chain with the attempt's
 * connect and read timeouts, and (enforce mode) its own {@link ResendShield.Sends} tag. Used by the
 * thread running the call.
 */
final class OkHttpExchange implements Exchange<Response> {

    private static final HeaderSetter<Request.Builder> HEADERS = Request.Builder::header;

    /** How close to the client's call timeout a cancellation counts as that timeout firing. */
    private static final long CALL_TIMEOUT_MARGIN_NANOS = 100_000_000L;

    private final Interceptor.Chain chain;
    private final Request request;
    private final long startNanos = System.nanoTime();
    /** The network responses of the current attempt (a followed redirect's included). */
    private final int[] responses = new int[1];
    /** What the application's own request body threw in the current attempt, or null. */
    private IOException bodyFailure;

    OkHttpExchange(Interceptor.Chain chain, Request request) {
        this.chain = chain;
        this.request = request;
    }

    @Override
    public long appConnectTimeoutMillis() {
        return chain.connectTimeoutMillis(); // OkHttp's own 10s default counts as the application's
    }

    @Override
    public long appReadTimeoutMillis() {
        return chain.readTimeoutMillis();
    }

    @Override
    public Response attempt(Attempt attempt) throws IOException {
        Interceptor.Chain c = chain;
        if (attempt.enforce()) {
            c = c.withConnectTimeout(Attempt.clientMillis(attempt.connectTimeoutMillis()), TimeUnit.MILLISECONDS)
                    .withReadTimeout(Attempt.clientMillis(attempt.readTimeoutMillis()), TimeUnit.MILLISECONDS);
        }
        bodyFailure = null;
        RetryAfterZeroShield.watch(responses);
        try {
            return RetryAfterZeroShield.restore(c.proceed(requestFor(attempt)));
        } catch (ResendShield.ResendRefused refused) {
            throw refused.original; // what the attempt failed with, before OkHttp tried to send it again
        } finally {
            RetryAfterZeroShield.unwatch();
        }
    }

    @Override
    public boolean mayHaveBeenSent(Throwable error) {
        return responses[0] > 0;
    }

    @Override
    public boolean applicationFailure(Throwable error) {
        return error != null && error == bodyFailure;
    }

    @Override
    public boolean cancelled() {
        return chain.call().isCanceled(); // Call.cancel(), or the call timeout that cancels it
    }

    @Override
    public boolean cancelledByTimeout() {
        long timeoutNanos = chain.call().timeout().timeoutNanos();
        return timeoutNanos > 0 && System.nanoTime() - startNanos >= timeoutNanos - CALL_TIMEOUT_MARGIN_NANOS;
    }

    @Override
    public int status(Response response) {
        return response.code();
    }

    @Override
    public String header(Response response, String name) {
        return response.header(name);
    }

    @Override
    public void discard(Response response) {
        response.close(); // OkHttp drains a short remainder so the connection returns to the pool
    }

    private Request requestFor(Attempt attempt) {
        RequestBody body = request.body();
        boolean watchBody = body != null && !body.isDuplex();
        if (!attempt.hasHeaders() && !attempt.enforce() && !watchBody) {
            return request;
        }
        Request.Builder b = request.newBuilder();
        attempt.writeHeaders(b, HEADERS);
        if (attempt.enforce()) {
            b.tag(ResendShield.Sends.class, new ResendShield.Sends());
        }
        if (watchBody) {
            b.method(request.method(), new WatchedBody(body));
        }
        return b.build();
    }

    /**
     * The application's request body, telling its own failures (a serializer error, a missing file) from
     * the connection's: what the socket side throws passes through a sink that remembers it.
     */
    private final class WatchedBody extends RequestBody {
        private final RequestBody body;

        WatchedBody(RequestBody body) {
            this.body = body;
        }

        @Override
        public MediaType contentType() {
            return body.contentType();
        }

        @Override
        public long contentLength() throws IOException {
            return body.contentLength();
        }

        @Override
        public boolean isOneShot() {
            return body.isOneShot();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            IOException[] socketFailure = new IOException[1];
            Sink watched = new ForwardingSink(sink) {
                @Override
                public void write(Buffer source, long byteCount) throws IOException {
                    try {
                        super.write(source, byteCount);
                    } catch (IOException e) {
                        socketFailure[0] = e;
                        throw e;
                    }
                }

                @Override
                public void flush() throws IOException {
                    try {
                        super.flush();
                    } catch (IOException e) {
                        socketFailure[0] = e;
                        throw e;
                    }
                }
            };
            BufferedSink buffered = Okio.buffer(watched);
            try {
                body.writeTo(buffered);
            } catch (IOException e) {
                if (e != socketFailure[0]) {
                    bodyFailure = e;
                }
                throw e;
            }
            buffered.emit();
        }
    }
}
