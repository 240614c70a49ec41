package dev.upstreamguard.filter;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * A real Jetty 12 (ee10) server on 127.0.0.1 and a free port, with one servlet context per filter
 * configuration, and a JDK {@link HttpClient} to call it.
 */
final class GuardedJetty implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    GuardedJetty() {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(contexts);
    }

    /**
     * Adds a context at {@code contextPath} with the given filter mapped to {@code /*} for {@code dispatches},
     * the servlets, and the SDK (if any) as the {@code io.opentelemetry.api.OpenTelemetry} attribute.
     */
    ServletContextHandler context(
            String contextPath,
            Filter filter,
            Map<String, String> initParams,
            OpenTelemetry openTelemetry,
            Map<String, HttpServlet> servlets,
            EnumSet<DispatcherType> dispatches) {
        return context(contextPath, null, filter, initParams, openTelemetry, servlets, dispatches);
    }

    /** As above, with {@code inFront} (if not null) mapped to {@code /*} before the filter under test. */
    ServletContextHandler context(
            String contextPath,
            Filter inFront,
            Filter filter,
            Map<String, String> initParams,
            OpenTelemetry openTelemetry,
            Map<String, HttpServlet> servlets,
            EnumSet<DispatcherType> dispatches) {
        // No-argument constructor and setter: the same source builds the javax twin's tests on Jetty 12 ee8.
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(contextPath);
        if (openTelemetry != null) {
            context.setAttribute(RequestTracer.OPEN_TELEMETRY_ATTRIBUTE, openTelemetry);
        }
        if (inFront != null) {
            FilterHolder front = new FilterHolder(inFront);
            front.setAsyncSupported(true);
            context.addFilter(front, "/*", dispatches);
        }
        FilterHolder holder = new FilterHolder(filter);
        holder.setName("upstreamGuard");
        holder.setAsyncSupported(true);
        holder.setInitParameters(initParams);
        context.addFilter(holder, "/*", dispatches);
        servlets.forEach((path, servlet) -> {
            ServletHolder servletHolder = new ServletHolder(servlet);
            servletHolder.setAsyncSupported(true);
            context.addServlet(servletHolder, path);
        });
        contexts.addHandler(context);
        return context;
    }

    /** The web.xml mapping of docs/filter.md: REQUEST dispatches only. */
    ServletContextHandler context(
            String contextPath,
            Map<String, String> initParams,
            OpenTelemetry openTelemetry,
            Map<String, HttpServlet> servlets) {
        return context(
                contextPath,
                new UpstreamGuardFilter(),
                initParams,
                openTelemetry,
                servlets,
                EnumSet.of(DispatcherType.REQUEST));
    }

    GuardedJetty start() throws Exception {
        server.start();
        return this;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(20))
                .GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop Jetty", e);
        }
    }
}
