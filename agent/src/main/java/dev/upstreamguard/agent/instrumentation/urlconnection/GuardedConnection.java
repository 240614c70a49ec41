package dev.upstreamguard.agent.instrumentation.urlconnection;

import java.util.List;
import java.util.Map;

/**
 * What {@link UrlConnectionCall} reads from a guarded connection: the settings the application made,
 * some of which live in protected fields of {@code java.net.HttpURLConnection}.
 */
interface GuardedConnection {
    String method();

    void method(String method);

    int chunkLength();

    long fixedContentLength();

    /** From now on, setters throw {@code IllegalStateException("Already connected")}, as the JDK's do. */
    void markConnected();

    boolean getDoInput();

    boolean getDoOutput();

    boolean getAllowUserInteraction();

    boolean getUseCaches();

    long getIfModifiedSince();

    boolean getInstanceFollowRedirects();

    int getConnectTimeout();

    int getReadTimeout();

    Map<String, List<String>> getRequestProperties();
}
