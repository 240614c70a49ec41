package dev.upstreamguard.reliability;

import dev.upstreamguard.filter.UpstreamGuardFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The application of the cascade test: embedded Jetty on 127.0.0.1 with a bounded request thread pool
 * of 24 threads and the Upstream Guard filter. {@code /slow} calls the upstream named by
 * {@code -Dcascade.slow}, {@code /healthy} the one named by {@code -Dcascade.healthy}, with the JDK
 * {@code HttpClient} as plain code with no timeout of its own (what most applications do). Prints
 * {@code port=N} once it listens.
 */
public final class CascadeApp {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private CascadeApp() {}

    public static void main(String[] args) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(24, 8);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(new UpstreamGuardFilter());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(forward(System.getProperty("cascade.slow"))), "/slow");
        context.addServlet(new ServletHolder(forward(System.getProperty("cascade.healthy"))), "/healthy");
        server.setHandler(context);
        server.start();
        System.out.println("port=" + connector.getLocalPort());
        server.join();
    }

    /** GETs {@code target}; an error status becomes the application's own exception, as real code does. */
    private static HttpServlet forward(String target) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                HttpResponse<String> r;
                try {
                    r = HTTP.send(
                            HttpRequest.newBuilder(URI.create(target)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (r.statusCode() >= 500) {
                    throw new IllegalStateException("upstream answered " + r.statusCode());
                }
                response.getWriter().write(r.body());
            }
        };
    }
}
