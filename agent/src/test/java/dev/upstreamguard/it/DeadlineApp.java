package dev.upstreamguard.it;

import dev.upstreamguard.filter.UpstreamGuardFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * A web application in the agent's JVM for the deadline ITs: the real {@link UpstreamGuardFilter} in a Jetty
 * on 127.0.0.1, in front of a servlet that makes the calls a test asks for with one of the client drivers.
 * {@code /app} has the filter's defaults, {@code /timed} the init-param {@code request-timeout=500ms}.
 *
 * <p>{@code GET /app/call?driver=ID&url=U1&url=U2&pause=MS&own-thread=true}: calls each URL in turn with the
 * registered driver, pausing {@code pause} ms between calls (the application's own work); with {@code
 * own-thread}, each call runs on the application's own executor thread. A call that throws escapes the
 * servlet, as an application that does not catch it; a status of 500 or above from the last call also
 * fails the request (the application turns the bad answer into its own exception). Otherwise it answers
 * {@code 200} and the last call's status.
 *
 * <p>The filter and its {@code opentelemetry-api} load in a class loader of their own, as from a WAR's {@code
 * WEB-INF/lib}, that sees only them, the Servlet API and the JDK: the IT class path holds no OpenTelemetry API (the agent's is shaded), and the
 * filter finds the agent's bridge on the boot class path as in any container.
 *
 * <p>One server per JVM, started on first use and stopped with the JVM. Thread-safe.
 */
final class DeadlineApp {
    private static final Map<String, ClientDriver> DRIVERS = new ConcurrentHashMap<>();
    private static final ExecutorService OWN_THREADS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "application-own-executor");
        t.setDaemon(true);
        return t;
    });
    private static volatile DeadlineApp instance;

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    private final ClassLoader webapp;

    private DeadlineApp() throws Exception {
        webapp = webappLoader();
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        ServletContextHandler app = context("/app", Map.of());
        ServletContextHandler timed = context("/timed", Map.of("request-timeout", "500ms"));
        contexts.addHandler(app);
        contexts.addHandler(timed);
        server.setDumpAfterStart(false);
        server.start();
        for (ServletContextHandler context : List.of(app, timed)) {
            if (!context.isAvailable()) {
                throw new IllegalStateException("the context " + context.getContextPath() + " did not start");
            }
        }
    }

    static synchronized DeadlineApp get() throws Exception {
        if (instance == null) {
            instance = new DeadlineApp();
        }
        return instance;
    }

    /** Registers {@code driver} under an id the servlet can be told. */
    static String register(ClientDriver driver) {
        String id = driver.getClass().getSimpleName() + '-' + System.identityHashCode(driver);
        DRIVERS.put(id, driver);
        return id;
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The filter's jar (or classes) and the application's OpenTelemetry API jars. */
    private static ClassLoader webappLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(UpstreamGuardFilter.class.getProtectionDomain().getCodeSource().getLocation());
        try (Stream<Path> jars = Files.list(Paths.get(System.getProperty("it.app.libs")))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                if (jar.getFileName().toString().startsWith("opentelemetry-")) {
                    urls.add(jar.toUri().toURL());
                }
            }
        }
        // the webapp sees the JDK, the agent's bootstrap part, the Servlet API and its own jars: nothing else
        ClassLoader container = DeadlineApp.class.getClassLoader();
        ClassLoader servletApiOnly = new ClassLoader("servlet-api", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("jakarta.servlet.")) {
                    return container.loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
        return new URLClassLoader("deadline-webapp", urls.toArray(new URL[0]), servletApiOnly);
    }

    private ServletContextHandler context(String path, Map<String, String> initParams) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(path);
        Filter guard = (Filter) webapp.loadClass(UpstreamGuardFilter.class.getName())
                .getConstructor()
                .newInstance();
        FilterHolder filter = new FilterHolder(guard);
        filter.setName("upstreamGuard");
        filter.setAsyncSupported(true);
        filter.setInitParameters(initParams);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new CallServlet()), "/call");
        return context;
    }

    private static final class CallServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            ClientDriver driver = DRIVERS.get(request.getParameter("driver"));
            String[] urls = request.getParameterValues("url");
            long pause = request.getParameter("pause") == null ? 0 : Long.parseLong(request.getParameter("pause"));
            boolean ownThread = "true".equals(request.getParameter("own-thread"));
            ClientDriver.Reply reply = null;
            try {
                for (int i = 0; i < urls.length; i++) {
                    if (i > 0 && pause > 0) {
                        Thread.sleep(pause); // the application's own work between its calls
                    }
                    String url = urls[i];
                    if (ownThread) {
                        Future<ClientDriver.Reply> onOwnThread =
                                OWN_THREADS.submit(() -> driver.call("GET", url, null));
                        reply = onOwnThread.get(30, TimeUnit.SECONDS);
                    } else {
                        reply = driver.call("GET", url, null);
                    }
                }
            } catch (ExecutionException e) {
                throw new ServletException("the call failed", e.getCause());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ServletException("the call failed", e);
            }
            if (reply.status() >= 500) {
                throw new IllegalStateException("the dependency answered " + reply.status());
            }
            response.setContentType("text/plain");
            response.getWriter().write(Integer.toString(reply.status()));
        }
    }

    /** What a raw inbound request got, and how long it took from the first byte sent to the last byte read. */
    record Answer(int status, String body, long millis) {}

    /**
     * Sends {@code GET pathAndQuery} with {@code headers} (name, value, name, value ...) on a plain socket, so that
     * the agent does not guard the inbound request itself.
     */
    Answer get(String pathAndQuery, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("GET ")
                .append(pathAndQuery)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port())
                .append("\r\nConnection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.write(buffer, 0, n);
            }
            long millis = (System.nanoTime() - start) / 1_000_000L;
            String text = read.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            int bodyStart = text.indexOf("\r\n\r\n");
            return new Answer(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4), millis);
        }
    }
}
