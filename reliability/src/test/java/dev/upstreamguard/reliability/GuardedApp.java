package dev.upstreamguard.reliability;

import dev.upstreamguard.filter.UpstreamGuardFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The application under test: embedded Jetty on 127.0.0.1 with the Upstream Guard filter, whose
 * endpoints call the upstream the caller names (127.0.0.1 only) with the JDK's two clients, as plain
 * code with no timeout or retry of its own. {@code /stats} reports threads, heap and open files.
 * Prints {@code port=N} once it listens.
 */
public final class GuardedApp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GuardedApp() {}

    public static void main(String[] args) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(new UpstreamGuardFilter());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        context.addServlet(new ServletHolder(servlet(GuardedApp::read)), "/read");
        context.addServlet(new ServletHolder(servlet(GuardedApp::write)), "/write");
        context.addServlet(new ServletHolder(servlet(GuardedApp::stats)), "/stats");
        server.setHandler(context);
        server.start();
        System.out.println("port=" + connector.getLocalPort());
        server.join();
    }

    private interface Handler {
        void handle(HttpServletRequest request, HttpServletResponse response) throws Exception;
    }

    private static HttpServlet servlet(Handler handler) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response)
                    throws java.io.IOException {
                try {
                    handler.handle(request, response);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static String target(HttpServletRequest request) {
        String target = request.getParameter("target");
        if (target == null || !target.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("target must be an http://127.0.0.1 URL");
        }
        return target;
    }

    /** GET the target; an error status becomes the application's own exception, as real code does. */
    private static void read(HttpServletRequest request, HttpServletResponse response) throws Exception {
        String body;
        int status;
        if ("url".equals(request.getParameter("client"))) {
            HttpURLConnection c = (HttpURLConnection) new URL(target(request)).openConnection();
            status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(target(request))).build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            body = r.body();
        }
        if (status >= 500) {
            throw new IllegalStateException("upstream answered " + status);
        }
        response.getWriter().write(body);
    }

    /** POST an id to the target (not idempotent: must reach it at most once unless never sent). */
    private static void write(HttpServletRequest request, HttpServletResponse response) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(target(request)).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(request.getParameter("id").getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            if (in != null) {
                in.readAllBytes(); // read to the end, so the connection goes back to the keep-alive cache
            }
        }
        if (status >= 500) {
            throw new IllegalStateException("upstream answered " + status);
        }
        response.getWriter().write("ok");
    }

    private static void stats(HttpServletRequest request, HttpServletResponse response) throws Exception {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long fds;
        try (Stream<java.nio.file.Path> files = Files.list(Paths.get("/proc/self/fd"))) {
            fds = files.count();
        }
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        response.getWriter().write("threads=" + threads + " heap=" + heap + " fds=" + fds);
    }
}
