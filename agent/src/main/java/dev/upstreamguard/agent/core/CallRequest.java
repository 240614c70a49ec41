package dev.upstreamguard.agent.core;

/**
 * The client-neutral description of one guarded call, built by an adapter. Immutable.
 */
public final class CallRequest {
    private final String method;
    private final String scheme;
    private final String host;
    private final int port;
    private final String url;
    private final boolean replayable;

    /**
     * @param method     upper-case HTTP method
     * @param scheme     {@code http} or {@code https}
     * @param host       the host as written in the URL
     * @param port       the port, the scheme's default filled in
     * @param url        the full URL (redacted before it is recorded anywhere)
     * @param replayable true when the request body (if any) can be sent again
     */
    public CallRequest(String method, String scheme, String host, int port, String url, boolean replayable) {
        this.method = method;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.url = url;
        this.replayable = replayable;
    }

    /** The port of a URL, or the scheme's default when the URL has none. */
    public static int portOf(String scheme, int port) {
        if (port > 0) {
            return port;
        }
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    public String method() {
        return method;
    }

    public String scheme() {
        return scheme;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String url() {
        return url;
    }

    public boolean replayable() {
        return replayable;
    }
}
