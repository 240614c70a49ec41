package dev.upstreamguard.containers;

import dev.upstreamguard.filter.UpstreamGuardFilter;
import dev.upstreamguard.webapp.BackendServlet;
import dev.upstreamguard.webapp.BugServlet;
import dev.upstreamguard.webapp.HealthServlet;
import dev.upstreamguard.webapp.HttpClientAsyncServlet;
import dev.upstreamguard.webapp.HttpClientServlet;
import dev.upstreamguard.webapp.UrlConnectionServlet;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The shop in a flat class path: embedded Jetty, the filter and the servlets registered in code with the
 * same mapping as the WAR's web.xml, every jar on the one application class path (as in a Spring Boot fat
 * jar). Prints {@code shop listening on PORT} once it answers.
 *
 * <p>Argument {@code sdk}: the application has its own OpenTelemetry SDK, registered as the global
 * instance, exporting to {@code -Dapp.otlp.endpoint} as service {@value #APP_SERVICE_NAME}. Without it the
 * application has only the API. The context path is {@code -Dshop.context}, {@code /shop} by default.
 */
public final class FlatShopMain {
    static final String APP_SERVICE_NAME = "shop-app-sdk";

    private FlatShopMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sdk")) {
            installSdk(System.getProperty("app.otlp.endpoint"));
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(System.getProperty("shop.context", "/shop"));
        FilterHolder filter = new FilterHolder(UpstreamGuardFilter.class);
        filter.setName("upstreamGuard");
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        add(context, new UrlConnectionServlet(), "/call/urlconnection");
        add(context, new HttpClientServlet(), "/call/httpclient");
        add(context, new HttpClientAsyncServlet(), "/call/httpclient-async");
        add(context, new BugServlet(), "/bug");
        add(context, new BackendServlet(), "/price/*");
        add(context, new BackendServlet(), "/stock/*");
        add(context, new HealthServlet(), "/health");
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("shop listening on " + connector.getLocalPort());
        server.join();
    }

    private static void add(ServletContextHandler context, HttpServlet servlet, String path) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
    }

    private static void installSdk(String endpoint) {
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.builder()
                                .put("service.name", APP_SERVICE_NAME)
                                .build()))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                .setEndpoint(endpoint + "/v1/traces")
                                .build())
                        .setScheduleDelay(Duration.ofMillis(50))
                        .build())
                .build();
        OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .buildAndRegisterGlobal();
        Runtime.getRuntime().addShutdownHook(new Thread(tracerProvider::close, "shop-sdk-shutdown"));
    }
}
