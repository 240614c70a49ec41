package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.bootstrap.Bridge;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URL;
import java.util.Locale;

/**
 * The state of one guarded {@code HttpURLConnection} call: not started, body being written (kept in a
 * {@link BodyBuffer}, or streamed to a single attempt), run, answered or failed. It starts the call when the
 * application first asks for the response; its {@link UrlConnectionExchange} runs the attempts, each on a
 * fresh JDK connection with the settings {@link ConnectionSettings} copies. Confined to the application's
 * thread, like the connection itself.
 *
 * <p>A request body is kept for a replay only up to the dependency's {@code retry.max-buffered-body}:
 * a body that grows past it, a fixed length above it, or chunked streaming, goes to one JDK connection
 * as the application writes it, and that call is never retried. Each attempt hands the JDK connection
 * the body in the application's own mode (without a streaming mode the JDK keeps its own copy while the
 * attempt runs: its fixed-length streaming mode would turn a 401, 407 or followed redirect into an
 * {@code HttpRetryException} the application never had); the kept copy is let go once the call ends.
 */
final class UrlConnectionCall {

    private final GuardedConnection facade;
    private final URL url;
    private final CallGuard guard;
    private final ConnectionSettings settings;

    private final UrlConnectionExchange exchange;

    private BodyBuffer body;
    private boolean started;
    private Throwable failure;
    private CallGuard.SingleAttempt<HttpURLConnection> streamingAttempt;

    UrlConnectionCall(GuardedConnection facade, URL url, Proxy proxy, CallGuard guard) {
        this.facade = facade;
        this.url = url;
        this.guard = guard;
        this.settings = new ConnectionSettings(facade, url, proxy);
        this.exchange = new UrlConnectionExchange(settings);
    }

    void authenticator(Authenticator authenticator) {
        if (started) {
            throw new IllegalStateException("Already connected");
        }
        settings.authenticator(authenticator);
    }

    /** The connection that answered last (the application reads the response from it), or null. */
    HttpURLConnection current() {
        return exchange.current();
    }

    boolean started() {
        return started;
    }

    /**
     * The application's {@code disconnect()}, possibly from another thread while the call runs: closes the
     * attempt's connection, and the call ends as cancelled instead of retrying.
     */
    void disconnect() {
        exchange.disconnect();
    }

    /** Like the JDK's: buffered (and so replayable) by default, streamed in a streaming mode. */
    OutputStream outputStream() throws IOException {
        if (!facade.getDoOutput()) {
            throw new ProtocolException("cannot write to a URLConnection if doOutput=false - call setDoOutput(true)");
        }
        if ("GET".equals(facade.method())) {
            facade.method("POST"); // as the JDK does, for backward compatibility
        }
        if ("TRACE".equals(facade.method()) && "http".equals(url.getProtocol())) {
            throw new ProtocolException("HTTP method TRACE doesn't support output");
        }
        if (body != null && body.passingThrough()) {
            return body; // grown past the cap: the same stream, now writing to the JDK connection
        }
        long fixed = facade.fixedContentLength();
        if (facade.chunkLength() != -1 || (fixed != -1 && fixed > maxBufferedBody())) {
            return streamingOutput();
        }
        if (started) {
            throw new ProtocolException("Cannot write output after reading input.");
        }
        if (body == null) {
            body = new BodyBuffer(fixed == -1 ? maxBufferedBody() : fixed, fixed, this::startStreaming);
        }
        return body;
    }

    private long maxBufferedBody() {
        String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
        try {
            return guard.dependencies()
                    .resolve(url.getHost(), CallRequest.portOf(scheme, url.getPort()))
                    .policy()
                    .maxBufferedBodyBytes();
        } catch (RuntimeException e) {
            AgentLog.internalError("HttpURLConnection body limit", e);
            return 0; // stream it: never keep what we cannot bound
        }
    }

    /** Runs the guarded call once; afterwards returns its final connection or rethrows its failure. */
    HttpURLConnection response() throws IOException {
        if (!started) {
            run();
        } else if (streamingAttempt != null && failure == null && exchange.current() != null) {
            finishStreaming();
        }
        if (failure != null) {
            rethrow(failure);
        }
        return exchange.current();
    }

    private void run() {
        begin();
        try {
            if (body != null && body.missingBytes()) {
                // as the JDK's fixed-length stream fails when it is closed short
                throw new IOException("insufficient data written");
            }
            exchange.body(body);
            exchange.answered(guard.execute(request(true), exchange));
        } catch (Throwable t) {
            failure = t;
        }
        if (body != null) {
            body.release(); // no more attempts: the JDK connection holds what it needs
        }
    }

    private void begin() {
        exchange.clearDisconnect(); // a disconnect before the call started cancels nothing
        settings.capture();
        started = true;
        facade.markConnected();
    }

    private OutputStream streamingOutput() throws IOException {
        if (started) {
            if (failure != null) {
                rethrow(failure);
            }
            return exchange.current().getOutputStream();
        }
        return startStreaming();
    }

    /** Starts the call's single attempt and returns the JDK connection's request body stream. */
    private OutputStream startStreaming() throws IOException {
        begin();
        streamingAttempt = guard.startSingle(request(false), exchange);
        if (streamingAttempt != null && streamingAttempt.attempt() == null) {
            IOException rejected = streamingAttempt.rejection();
            streamingAttempt = null;
            failure = rejected;
            throw rejected;
        }
        Attempt attempt = streamingAttempt == null ? Attempt.UNGUARDED : streamingAttempt.attempt();
        try {
            return exchange.connect(attempt).getOutputStream();
        } catch (IOException | RuntimeException e) {
            failure = e;
            if (streamingAttempt != null) {
                streamingAttempt.finish(null, e);
            }
            throw e;
        }
    }

    private void finishStreaming() {
        CallGuard.SingleAttempt<HttpURLConnection> attempt = streamingAttempt;
        streamingAttempt = null;
        HttpURLConnection current = exchange.current();
        Bridge.beginPassThrough(); // lets the JDK's own re-send of a buffered body be suppressed
        try {
            current.getResponseCode();
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            Bridge.endPassThrough();
        }
        if (attempt != null) {
            attempt.finish(failure == null ? current : null, failure);
        }
    }

    private CallRequest request(boolean replayable) {
        String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
        return new CallRequest(
                facade.method(),
                scheme,
                url.getHost(),
                CallRequest.portOf(scheme, url.getPort()),
                url.toString(),
                replayable);
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException) {
            throw (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new IOException(t);
    }
}
