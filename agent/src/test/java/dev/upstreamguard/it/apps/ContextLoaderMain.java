package dev.upstreamguard.it.apps;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.PrivilegedExceptionAction;
import java.security.ProtectionDomain;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A web application's life in one JVM, for the class-loader leak test: a thread whose context class
 * loader (and access-control context) belongs to a throwaway "web application" loader makes the process's
 * first guarded calls, which start the agent's threads; then the loader is dropped and must be collected.
 * Prints {@code status=N} per call, {@code held-by=THREAD} for each live thread still holding the loader
 * as its context loader, and finally {@code cleared=true|false}.
 *
 * <p>Arguments: {@code URL_OK URL_RETRIED} (the second answers 503, then 200).
 */
public final class ContextLoaderMain {

    private ContextLoaderMain() {}

    public static void main(String[] args) throws Exception {
        // The application's own client and its threads are made outside the web application's loader.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "app-client-pool");
            t.setDaemon(true);
            return t;
        });
        pool.prestartAllCoreThreads();
        HttpClient client = HttpClient.newBuilder().executor(pool).build();

        WeakReference<ClassLoader> ref = runAsWebApplication(client, args[0], args[1]);

        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(100);
        }
        ClassLoader still = ref.get();
        if (still != null) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getContextClassLoader() == still) {
                    System.out.println("held-by=" + t.getName());
                }
            }
        }
        System.out.println("cleared=" + (still == null));
        still = null;
        shutdown(pool);
    }

    @SuppressWarnings("removal") // the access-control context a Java 17 thread inherits
    private static WeakReference<ClassLoader> runAsWebApplication(HttpClient client, String ok, String retried)
            throws Exception {
        URLClassLoader webapp = new URLClassLoader(new URL[0], null);
        AccessControlContext context =
                new AccessControlContext(new ProtectionDomain[] {new ProtectionDomain(null, null, webapp, null)});
        Thread request = new Thread(
                () -> {
                    try {
                        AccessController.doPrivileged(
                                (PrivilegedExceptionAction<Void>) () -> {
                                    HttpRequest first = HttpRequest.newBuilder(URI.create(ok))
                                            .build();
                                    System.out.println("status="
                                            + client.send(first, HttpResponse.BodyHandlers.ofString())
                                                    .statusCode());
                                    HttpRequest second = HttpRequest.newBuilder(URI.create(retried))
                                            .build();
                                    System.out.println("status="
                                            + client.sendAsync(second, HttpResponse.BodyHandlers.ofString())
                                                    .get(20, TimeUnit.SECONDS)
                                                    .statusCode());
                                    return null;
                                },
                                context);
                    } catch (Exception e) {
                        System.out.println("error=" + e);
                    }
                },
                "webapp-request");
        request.setContextClassLoader(webapp);
        request.start();
        request.join();
        webapp.close();
        return new WeakReference<>(webapp);
    }

    private static void shutdown(ExecutorService pool) {
        pool.shutdownNow();
    }
}
