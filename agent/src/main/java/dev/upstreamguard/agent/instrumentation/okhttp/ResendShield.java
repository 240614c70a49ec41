package dev.upstreamguard.agent.instrumentation.okhttp;

import java.io.IOException;
import java.net.ProtocolException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * OkHttp's {@code retryOnConnectionFailure} (on by default) does two things: it tries a host name's
 * next address, or another route, when a connect fails (nothing was sent), and it sends the request
 * again after it failed on a connection (a stale pooled one, a reset), a {@code POST} included. The
 * first is kept, so a name whose first address refuses still works; this network interceptor, which
 * OkHttp runs once per request it puts on a connection, stops the second inside one of our attempts: once
 * a send of the attempt failed, another send is refused with {@link ResendRefused}, a
 * {@code ProtocolException} OkHttp does not recover from, and the adapter hands on the first failure.
 * Follow-ups after a response (redirects, authentication) still run. Enforce mode only. Thread-safe.
 */
final class ResendShield implements Interceptor {

    /** The sends of one attempt: a tag of the attempt's request, made per attempt. */
    static final class Sends {
        IOException failure;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Sends sends = chain.request().tag(Sends.class);
        if (sends == null) {
            return chain.proceed(chain.request());
        }
        if (sends.failure != null) {
            throw new ResendRefused(sends.failure);
        }
        try {
            return chain.proceed(chain.request());
        } catch (IOException e) {
            sends.failure = e;
            throw e;
        }
    }

    /** OkHttp's own re-send, refused; {@link #original} is what the attempt failed with. */
    static final class ResendRefused extends ProtocolException {
        private static final long serialVersionUID = 1L;

        final transient IOException original;

        ResendRefused(IOException original) {
            super("upstream-guard: no re-send by OkHttp within an attempt");
            this.original = original;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // never seen by the application
        }
    }
}
