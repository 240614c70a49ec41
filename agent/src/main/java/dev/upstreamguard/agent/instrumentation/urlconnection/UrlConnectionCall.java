package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Exchange;
import dev.upstreamguard.agent.core.ResponseDrain;
import dev.upstreamguard.bootstrap.Bridge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;

/**
 * The exchange behind one guarded {@code HttpURLConnection}: reads the settings the application made
 * on the guarded connection, keeps the request body, and runs each attempt on a fresh JDK connection.
 * Confined to the application's thread, like the connection itself.
 */
final class UrlConnectionCall implements Exchange<HttpURLConnection> {

    private final GuardedConnection facade;
    private final URL url;
    private final Proxy proxy;
    private final CallGuard guard;

    private Authenticator authenticator;
    private ByteArrayOutputStream body;
    private Map<String, List<String>> requestProperties;
    private boolean started;
    private boolean connectFailed;
    /** Read by {@link #disconnect} from whichever thread the application calls it on. */
    private volatile HttpURLConnection current;
    /** Set once the application disconnected: no further attempt starts. */
    private volatile boolean disconnected;
    private Throwable failure;
    private CallGuard.SingleAttempt<HttpURLConnection> streamingAttempt;

    UrlConnectionCall(GuardedConnection facade, URL url, Proxy proxy, CallGuard guard) {
        this.facade = facade;
        this.url = url;
        this.proxy = proxy;
        this.guard = guard;
    }

    void authenticator(Authenticator authenticator) {
        if (started) {
            throw new IllegalStateException("Already connected");
        }
        this.authenticator = authenticator;
    }

    /** The connection that answered last (the application reads the response from it), or null. */
    HttpURLConnection current() {
        return current;
    }

    boolean started() {
        return started;
    }

    /**
     * The application's {@code disconnect()}, possibly from another thread while the call runs: closes the
     * attempt's connection, and the call ends as cancelled instead of retrying.
     */
    void disconnect() {
        disconnected = true;
        HttpURLConnection c = current;
        if (c != null) {
            c.disconnect();
        }
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
        if (facade.streaming()) {
            return streamingOutput();
        }
        if (started) {
            throw new ProtocolException("Cannot write output after reading input.");
        }
        if (body == null) {
            body = new ByteArrayOutputStream();
        }
        return body;
    }

    /** Runs the guarded call once; afterwards returns its final connection or rethrows its failure. */
    HttpURLConnection response() throws IOException {
        if (!started) {
            run();
        } else if (streamingAttempt != null && failure == null && current != null) {
            finishStreaming();
        }
        if (failure != null) {
            rethrow(failure);
        }
        return current;
    }

    private void run() {
        begin();
        try {
            current = guard.execute(request(true), this);
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void begin() {
        disconnected = false; // a disconnect before the call started cancels nothing
        requestProperties = facade.getRequestProperties();
        started = true;
        facade.markConnected();
    }

    private OutputStream streamingOutput() throws IOException {
        if (started) {
            if (failure != null) {
                rethrow(failure);
            }
            return current.getOutputStream();
        }
        begin();
        streamingAttempt = guard.startSingle(request(false), this);
        Attempt attempt = streamingAttempt == null ? Attempt.UNGUARDED : streamingAttempt.attempt();
        try {
            current = prepare(attempt);
            connectFailed = true;
            current.connect();
            connectFailed = false;
            return current.getOutputStream();
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
        try {
            current.getResponseCode();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        if (attempt != null) {
            attempt.finish(failure == null ? current : null, failure);
        }
    }

    private CallRequest request(boolean replayable) {
        String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
        return new CallRequest(facade.method(), scheme, url.getHost(), CallRequest.portOf(scheme, url.getPort()),
                url.toString(), replayable);
    }

    @Override
    public long appConnectTimeoutMillis() {
        return facade.getConnectTimeout();
    }

    @Override
    public long appReadTimeoutMillis() {
        return facade.getReadTimeout();
    }

    @Override
    public HttpURLConnection attempt(Attempt attempt) throws IOException {
        connectFailed = true; // until the connection is made, nothing was sent
        HttpURLConnection connection = prepare(attempt);
        current = connection;
        Bridge.beginPassThrough(); // lets the JDK's own re-send be suppressed on this thread
        try {
            connectFailed = true;
            connection.connect();
            connectFailed = false;
            if (body != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    body.writeTo(out);
                }
            }
            connection.getResponseCode();
            return connection;
        } finally {
            Bridge.endPassThrough();
        }
    }

    @Override
    public boolean failedWhileConnecting(Throwable error) {
        return connectFailed;
    }

    @Override
    public boolean mayHaveBeenSent(Throwable error) {
        // the original connection was made: a connect failure now is a followed redirect's
        return !connectFailed;
    }

    @Override
    public boolean cancelled() {
        return disconnected;
    }

    @Override
    public int status(HttpURLConnection response) {
        try {
            return response.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public String header(HttpURLConnection response, String name) {
        return response.getHeaderField(name);
    }

    @Override
    public void discard(HttpURLConnection response) {
        InputStream in = response.getErrorStream();
        try {
            if (in == null) {
                in = response.getInputStream();
            }
            if (ResponseDrain.drain(in, response::disconnect)) {
                in.close(); // fully read: the connection goes back to the keep-alive cache
                return;
            }
        } catch (IOException ignored) {
            // fall through: drop the connection
        }
        response.disconnect();
    }

    /** A fresh JDK connection carrying the application's settings and this attempt's. */
    private HttpURLConnection prepare(Attempt attempt) throws IOException {
        HttpURLConnection c;
        Bridge.beginPassThrough();
        try {
            c = (HttpURLConnection) (proxy == null ? url.openConnection() : url.openConnection(proxy));
        } finally {
            Bridge.endPassThrough();
        }
        c.setRequestMethod(facade.method());
        c.setDoInput(facade.getDoInput());
        c.setDoOutput(facade.getDoOutput());
        c.setAllowUserInteraction(facade.getAllowUserInteraction());
        c.setUseCaches(facade.getUseCaches());
        c.setIfModifiedSince(facade.getIfModifiedSince());
        c.setInstanceFollowRedirects(facade.getInstanceFollowRedirects());
        if (facade.chunkLength() != -1) {
            c.setChunkedStreamingMode(facade.chunkLength());
        } else if (facade.fixedContentLength() != -1) {
            c.setFixedLengthStreamingMode(facade.fixedContentLength());
        }
        for (Map.Entry<String, List<String>> header : requestProperties.entrySet()) {
            String name = header.getKey();
            if (name == null || (attempt.traceparent() != null
                    && (name.equalsIgnoreCase("traceparent") || name.equalsIgnoreCase("tracestate")))) {
                continue;
            }
            List<String> values = header.getValue();
            // getRequestProperties lists the most recent value first; add them back in the order they were set
            for (int i = values.size() - 1; i >= 0; i--) {
                c.addRequestProperty(name, values.get(i));
            }
        }
        if (attempt.traceparent() != null) {
            c.setRequestProperty("traceparent", attempt.traceparent());
            if (attempt.tracestate() != null) {
                c.setRequestProperty("tracestate", attempt.tracestate());
            }
        }
        if (authenticator != null) {
            c.setAuthenticator(authenticator);
        }
        if (c instanceof HttpsURLConnection && facade instanceof HttpsURLConnection) {
            HttpsURLConnection https = (HttpsURLConnection) c;
            HttpsURLConnection settings = (HttpsURLConnection) facade;
            https.setSSLSocketFactory(settings.getSSLSocketFactory());
            https.setHostnameVerifier(settings.getHostnameVerifier());
        }
        if (attempt.enforce()) {
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, attempt.connectTimeoutMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, attempt.readTimeoutMillis()));
        } else {
            c.setConnectTimeout(facade.getConnectTimeout());
            c.setReadTimeout(facade.getReadTimeout());
        }
        return c;
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
