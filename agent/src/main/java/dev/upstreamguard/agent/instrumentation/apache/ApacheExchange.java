package dev.upstreamguard.agent.instrumentation.apache;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import dev.upstreamguard.agent.core.ResponseDrain;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The half that the Apache HttpClient 4 and 5 exchanges share: each attempt proceeds down the client's
 * chain with the application's request entity watched (its own failures told from the connection's) and,
 * in enforce mode, with the attempt's timeouts in the context's {@code RequestConfig}, the application's
 * put back afterwards (an application may reuse its context for other calls). Used by the thread running
 * the call.
 *
 * @param <R> the client's response type
 */
public abstract class ApacheExchange<R> implements Exchange<R> {

    /** What the application's own request entity threw in the current attempt, or null. */
    private IOException bodyFailure;

    /** Prepares the request of this attempt (its headers, its entity watched through {@link #writeWatched}). */
    protected abstract void prepare(Attempt attempt);

    /** Sends the prepared request down the client's chain. */
    protected abstract R proceed() throws Exception;

    /** Puts the attempt's timeouts in the context's {@code RequestConfig}, the pool wait included. */
    protected abstract void applyTimeouts(Attempt attempt, long poolWaitMillis);

    /** Puts the application's own {@code RequestConfig} back. */
    protected abstract void restoreTimeouts();

    /** Undoes what {@link #prepare} changed on the application's request, if anything. */
    protected void afterAttempt() {}

    /** The application's own wait for a pooled connection in ms, {@code 0} or less when unset (wait forever). */
    protected abstract long appPoolWaitMillis();

    @Override
    public final R attempt(Attempt attempt) throws Exception {
        bodyFailure = null;
        prepare(attempt);
        try {
            if (!attempt.enforce()) {
                return proceed();
            }
            // the wait for a pooled connection is part of the call: never longer than its time left
            long poolWait = appPoolWaitMillis();
            applyTimeouts(
                    attempt,
                    poolWait <= 0 ? attempt.callTimeLeftMillis() : Math.min(poolWait, attempt.callTimeLeftMillis()));
            try {
                return proceed();
            } finally {
                restoreTimeouts();
            }
        } finally {
            afterAttempt();
        }
    }

    @Override
    public final boolean applicationFailure(Throwable error) {
        return error != null && error == bodyFailure;
    }

    /** How an entity writes itself; {@link #writeWatched} passes it the watched stream. */
    protected interface EntityWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes the application's entity through a stream that remembers what the connection threw, so that
     * any other {@code IOException} is known to be the application's own (a file gone, a serializer error).
     */
    protected final void writeWatched(OutputStream out, EntityWriter entity) throws IOException {
        WatchedStream watched = new WatchedStream(out);
        try {
            entity.writeTo(watched);
        } catch (IOException e) {
            if (e != watched.failure) {
                bodyFailure = e;
            }
            throw e;
        }
    }

    /**
     * Reads a response that will not reach the application to its end within {@link ResponseDrain}'s
     * bounds, so its connection goes back to the pool; else drops the connection. Then closes it.
     *
     * @param drop closes the connection at once, without reading what is left of the body
     */
    protected static void discard(Closeable response, InputStream body, Runnable drop) {
        boolean ended;
        try {
            ended = ResponseDrain.drain(body, drop);
        } catch (RuntimeException e) {
            ended = false;
        }
        if (!ended) {
            drop.run(); // closing could read the rest of the body first, however slowly it comes
        }
        closeQuietly(response);
    }

    protected static void closeQuietly(Closeable response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing the application could act on
        }
    }

    /** Remembers what the connection's stream threw. */
    private static final class WatchedStream extends FilterOutputStream {
        IOException failure;

        WatchedStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
