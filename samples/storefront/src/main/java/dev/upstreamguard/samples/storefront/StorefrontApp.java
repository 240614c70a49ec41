package dev.upstreamguard.samples.storefront;

import java.net.URL;
import java.util.List;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Runs the storefront in an embedded Jetty 12 (ee10) on 127.0.0.1, deploying the very {@code
 * WEB-INF/web.xml} that the WAR carries. With {@code --unguarded} it deploys the same application
 * without the filter, as it was before Upstream Guard.
 *
 * <pre>
 * java -Dstorefront.port=8080 -Dstorefront.inventory.url=http://127.0.0.1:9001 ... \
 *      -cp CLASSPATH dev.upstreamguard.samples.storefront.StorefrontApp [--unguarded]
 * </pre>
 *
 * <p>Prints {@code storefront listening on http://127.0.0.1:PORT} once it accepts requests ({@code
 * storefront.port=0} picks a free port).
 */
public final class StorefrontApp {

    /** The line printed once the application accepts requests, followed by its base URL. */
    public static final String LISTENING = "storefront listening on ";

    private StorefrontApp() {}

    public static void main(String[] args) throws Exception {
        boolean withFilter = !List.of(args).contains("--unguarded");
        Server server = start(Integer.getInteger("storefront.port", 8080), withFilter);
        System.out.println(LISTENING
                + baseUrl(server)
                + (withFilter ? " (web.xml with the Upstream Guard filter)" : " (web.xml without the filter)"));
        server.join();
    }

    /** Starts the storefront on 127.0.0.1 and this port (0 for a free one); stop it when done. */
    public static Server start(int port, boolean withFilter) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setBaseResource(webapp.getResourceFactory().newClassLoaderResource("storefront/"));
        webapp.setDescriptor(descriptor(withFilter ? "storefront/web.xml" : "storefront/web-unguarded.xml"));
        // The classes are on this JVM's class path, not in a WEB-INF/classes.
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.setStopAtShutdown(true);
        server.start();
        return server;
    }

    /** {@code http://127.0.0.1:PORT} of a started server. */
    public static String baseUrl(Server server) {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static String descriptor(String resource) {
        URL url = StorefrontApp.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the class path");
        }
        return url.toExternalForm();
    }
}
