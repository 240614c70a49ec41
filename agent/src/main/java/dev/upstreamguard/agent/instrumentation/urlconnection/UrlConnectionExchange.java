package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.Exchange;
import dev.upstreamguard.agent.core.ResponseDrain;
import dev.upstreamguard.bootstrap.Bridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;

/**
 * The attempts of one guarded {@code HttpURLConnection} call, each on a fresh JDK connection carrying
 * the application's settings ({@link ConnectionSettings}) and, for a replayable call, the kept body
 * ({@link BodyBuffer}). Driven by {@link UrlConnectionCall} on the application's thread; only
 * {@link #disconnect} may come from another.
 */
final class UrlConnectionExchange implements Exchange<HttpURLConnection> {

    private final ConnectionSettings settings;
    private BodyBuffer body;
    private boolean connectFailed;
    /** Read by {@link #disconnect} from whichever thread the application calls it on. */
    private volatile HttpURLConnection current;
    /** Set once the application disconnected: no further attempt starts. */
    private volatile boolean disconnected;

    UrlConnectionExchange(ConnectionSettings settings) {
        this.settings = settings;
    }

    /** The body each attempt sends, or null for none. */
    void body(BodyBuffer body) {
        this.body = body;
    }

    /** The connection that answered last (the application reads the response from it), or null. */
    HttpURLConnection current() {
        return current;
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

    /** The connection whose response the call hands the application. */
    void answered(HttpURLConnection connection) {
        current = connection;
    }

    void clearDisconnect() {
        disconnected = false;
    }

    /** The connection's own, else the JDK-wide default the application set with {@code sun.net.client.*}. */
    @Override
    public long appConnectTimeoutMillis() {
        return settings.appConnectTimeoutMillis();
    }

    @Override
    public long appReadTimeoutMillis() {
        return settings.appReadTimeoutMillis();
    }

    /** Opens and connects the single attempt's connection of a streamed call; its body is written as the application writes it. */
    HttpURLConnection connect(Attempt attempt) throws IOException {
        current = settings.open(attempt);
        connectFailed = true;
        current.connect();
        connectFailed = false;
        return current;
    }

    @Override
    public HttpURLConnection attempt(Attempt attempt) throws IOException {
        connectFailed = true; // until the connection is made, nothing was sent
        HttpURLConnection connection = settings.open(attempt);
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
}
