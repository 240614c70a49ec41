package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Exchange;
import dev.upstreamguard.agent.core.HeaderSetter;
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
 *
 * <p>A request body is kept for a replay only up to the dependency's {@code retry.max-buffered-body}:
 * a body that grows past it, a fixed length above it, or chunked streaming, goes to one JDK connection
 * as the application writes it, and that call is never retried. Each attempt hands the JDK connection
 * the body in the application's own mode (without a streaming mode the JDK keeps its own copy while the
 * attempt runs: its fixed-length streaming mode would turn a 401, 407 or followed redirect into an
 * {@code HttpRetryException} the application never had); the kept copy is let go once the call ends.
 */
final class UrlConnectionCall implements Exchange<HttpURLConnection> {

    private static final HeaderSetter<HttpURLConnection> HEADERS = HttpURLConnection::setRequestProperty;

    private final GuardedConnection facade;
    private final URL url;
    private final Proxy proxy;
    private final CallGuard guard;

    private Authenticator authenticator;
    private BodyBuffer body;
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
            body = new BodyBuffer(fixed == -1 ? maxBufferedBody() : fixed, fixed);
        }
        return body;
    }

    private long maxBufferedBody() {
        String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
        try {
            return guard.dependencies().resolve(url.getHost(), CallRequest.portOf(scheme, url.getPort()))
                    .policy().maxBufferedBodyBytes();
        } catch (RuntimeException e) {
            AgentLog.internalError("HttpURLConnection body limit", e);
            return 0; // stream it: never keep what we cannot bound
        }
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
            if (body != null && body.missingBytes()) {
                // as the JDK's fixed-length stream fails when it is closed short
                throw new IOException("insufficient data written");
            }
            current = guard.execute(request(true), this);
        } catch (Throwable t) {
            failure = t;
        }
        if (body != null) {
            body.release(); // no more attempts: the JDK connection holds what it needs
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
        return startStreaming();
    }

    /** Starts the call's single attempt and returns the JDK connection's request body stream. */
    private OutputStream startStreaming() throws IOException {
        begin();
        streamingAttempt = guard.startSingle(request(false), this);
        if (streamingAttempt != null && streamingAttempt.attempt() == null) {
            IOException rejected = streamingAttempt.rejection();
            streamingAttempt = null;
            failure = rejected;
            throw rejected;
        }
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
        return new CallRequest(facade.method(), scheme, url.getHost(), CallRequest.portOf(scheme, url.getPort()),
                url.toString(), replayable);
    }

    /** The connection's own, else the JDK-wide default the application set with {@code sun.net.client.*}. */
    @Override
    public long appConnectTimeoutMillis() {
        int own = facade.getConnectTimeout();
        return own > 0 ? own : JdkDefaults.CONNECT_TIMEOUT_MILLIS;
    }

    @Override
    public long appReadTimeoutMillis() {
        int own = facade.getReadTimeout();
        return own > 0 ? own : JdkDefaults.READ_TIMEOUT_MILLIS;
    }

    /**
     * {@code sun.net.client.defaultConnectTimeout} and {@code defaultReadTimeout}: the JDK applies them to
     * every connection whose own timeout was never set, read once as the JDK reads them; 0 when unset.
     * (A connection cannot tell "never set" from {@code setReadTimeout(0)}: both count as unset here.)
     */
    private static final class JdkDefaults {
        static final long CONNECT_TIMEOUT_MILLIS = positive("sun.net.client.defaultConnectTimeout");
        static final long READ_TIMEOUT_MILLIS = positive("sun.net.client.defaultReadTimeout");

        private static long positive(String key) {
            try {
                return Math.max(0, Integer.getInteger(key, 0));
            } catch (SecurityException e) {
                return 0;
            }
        }
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
            if (name == null || attempt.writesHeader(name)) {
                continue;
            }
            List<String> values = header.getValue();
            // getRequestProperties lists the most recent value first; add them back in the order they were set
            for (int i = values.size() - 1; i >= 0; i--) {
                c.addRequestProperty(name, values.get(i));
            }
        }
        attempt.writeHeaders(c, HEADERS);
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
            c.setConnectTimeout(Attempt.clientMillis(attempt.connectTimeoutMillis()));
            c.setReadTimeout(Attempt.clientMillis(attempt.readTimeoutMillis()));
        } else {
            c.setConnectTimeout(facade.getConnectTimeout());
            c.setReadTimeout(facade.getReadTimeout());
        }
        return c;
    }

    /**
     * The application's request body stream: keeps the body for a replay up to {@code limit} bytes; past
     * it, starts the call's single attempt and writes through to its JDK connection from then on. With a
     * fixed length, refuses more bytes than declared, as the JDK's stream does.
     */
    private final class BodyBuffer extends OutputStream {
        private final long limit;
        private final long fixedLength;
        private ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private OutputStream through;
        private long written;
        private boolean closed;

        BodyBuffer(long limit, long fixedLength) {
            this.limit = limit;
            this.fixedLength = fixedLength;
        }

        boolean passingThrough() {
            return through != null;
        }

        /** True when a fixed length was declared and fewer bytes were written. */
        boolean missingBytes() {
            return fixedLength != -1 && written < fixedLength;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (through != null) {
                through.write(b, off, len);
                written += len;
                return;
            }
            if (closed || kept == null) {
                return; // like the JDK's buffer: writes after close are dropped
            }
            if (fixedLength != -1 && written + len > fixedLength) {
                throw new IOException("too many bytes written");
            }
            if (written + len > limit) {
                passThrough().write(b, off, len);
            } else {
                kept.write(b, off, len);
            }
            written += len;
        }

        /** Starts the single attempt and hands it what was kept so far. */
        private OutputStream passThrough() throws IOException {
            OutputStream out = startStreaming();
            kept.writeTo(out);
            kept = null;
            through = out;
            return out;
        }

        void writeTo(OutputStream out) throws IOException {
            if (kept != null) {
                kept.writeTo(out);
            }
        }

        void release() {
            kept = null;
        }

        @Override
        public void flush() throws IOException {
            if (through != null) {
                through.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (through != null) {
                through.close();
                return;
            }
            if (!closed && missingBytes()) {
                throw new IOException("insufficient data written");
            }
            closed = true;
        }
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
