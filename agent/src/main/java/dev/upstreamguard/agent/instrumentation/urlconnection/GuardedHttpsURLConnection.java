package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.CallGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;

/**
 * The {@code https} connection the application gets: it records settings like the JDK's, and the guarded call
 * runs when the application first asks for the response. Not thread-safe, like the JDK's.
 */
final class GuardedHttpsURLConnection extends HttpsURLConnection implements GuardedConnection {

    private final UrlConnectionCall call;

    GuardedHttpsURLConnection(URL url, Proxy proxy, CallGuard guard) {
        super(url);
        this.call = new UrlConnectionCall(this, url, proxy, guard);
    }

    // ---- settings, read by the call ----

    @Override
    public String method() {
        return method;
    }

    @Override
    public void method(String method) {
        this.method = method;
    }

    @Override
    public int chunkLength() {
        return chunkLength;
    }

    @Override
    public long fixedContentLength() {
        return fixedContentLengthLong != -1 ? fixedContentLengthLong : fixedContentLength;
    }

    @Override
    public void markConnected() {
        connected = true;
    }

    @Override
    public void setAuthenticator(Authenticator authenticator) {
        call.authenticator(authenticator);
    }

    // ---- the exchange ----

    @Override
    public void connect() {
        // The connection is opened per attempt, when the response is first needed.
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return call.outputStream();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return call.response().getInputStream();
    }

    @Override
    public int getResponseCode() throws IOException {
        return call.response().getResponseCode();
    }

    @Override
    public String getResponseMessage() throws IOException {
        return call.response().getResponseMessage();
    }

    @Override
    public InputStream getErrorStream() {
        HttpURLConnection c = call.current();
        return call.started() && c != null ? c.getErrorStream() : null;
    }

    @Override
    public String getHeaderField(String name) {
        HttpURLConnection c = answered();
        return c == null ? null : c.getHeaderField(name);
    }

    @Override
    public String getHeaderField(int n) {
        HttpURLConnection c = answered();
        return c == null ? null : c.getHeaderField(n);
    }

    @Override
    public String getHeaderFieldKey(int n) {
        HttpURLConnection c = answered();
        return c == null ? null : c.getHeaderFieldKey(n);
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
        HttpURLConnection c = answered();
        return c == null ? Collections.emptyMap() : c.getHeaderFields();
    }

    @Override
    public URL getURL() {
        HttpURLConnection c = call.current();
        return c != null ? c.getURL() : url;
    }

    @Override
    public boolean usingProxy() {
        HttpURLConnection c = call.current();
        return c != null && c.usingProxy();
    }

    @Override
    public void disconnect() {
        call.disconnect();
    }

    // ---- TLS details of the answering connection ----

    @Override
    public String getCipherSuite() {
        return tls().getCipherSuite();
    }

    @Override
    public java.security.cert.Certificate[] getLocalCertificates() {
        return tls().getLocalCertificates();
    }

    @Override
    public java.security.cert.Certificate[] getServerCertificates() throws javax.net.ssl.SSLPeerUnverifiedException {
        return tls().getServerCertificates();
    }

    private HttpsURLConnection tls() {
        HttpURLConnection c = call.current();
        if (!(c instanceof HttpsURLConnection)) {
            throw new IllegalStateException("connection not yet open");
        }
        return (HttpsURLConnection) c;
    }

    /** The answering connection, or null when the call failed (the JDK's header getters return null then). */
    private HttpURLConnection answered() {
        try {
            return call.response();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
