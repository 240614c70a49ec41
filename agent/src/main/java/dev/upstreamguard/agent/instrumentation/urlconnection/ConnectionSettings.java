package dev.upstreamguard.agent.instrumentation.urlconnection;

import dev.upstreamguard.agent.core.Attempt;
import dev.upstreamguard.agent.core.HeaderSetter;
import dev.upstreamguard.bootstrap.Bridge;
import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;

/**
 * The settings the application made on its guarded connection, copied onto each attempt's fresh JDK
 * connection together with the attempt's own (its headers, its timeouts in enforce mode). Confined to
 * the application's thread, like the connection itself.
 */
final class ConnectionSettings {

    private static final HeaderSetter<HttpURLConnection> HEADERS = HttpURLConnection::setRequestProperty;

    private final GuardedConnection facade;
    private final URL url;
    private final Proxy proxy;
    private Authenticator authenticator;
    private Map<String, List<String>> requestProperties;

    ConnectionSettings(GuardedConnection facade, URL url, Proxy proxy) {
        this.facade = facade;
        this.url = url;
        this.proxy = proxy;
    }

    void authenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Takes the request headers as they are when the call starts (the facade refuses changes after). */
    void capture() {
        requestProperties = facade.getRequestProperties();
    }

    /** The connection's own, else the JDK-wide default the application set with {@code sun.net.client.*}. */
    long appConnectTimeoutMillis() {
        int own = facade.getConnectTimeout();
        return own > 0 ? own : JdkDefaults.CONNECT_TIMEOUT_MILLIS;
    }

    long appReadTimeoutMillis() {
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

    /** A fresh JDK connection carrying the application's settings and this attempt's. */
    HttpURLConnection open(Attempt attempt) throws IOException {
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
}
