package dev.upstreamguard.it.apps;

import static net.bytebuddy.matcher.ElementMatchers.named;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.net.HttpURLConnection;
import java.net.URL;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;

/**
 * An application that ships ByteBuddy and the OpenTelemetry API of its own (other versions than the
 * agent's, on its class path), uses both, and makes one call. Prints {@code bytebuddy=...},
 * {@code otel=...} and {@code status=...}.
 */
public final class OwnLibrariesMain {

    private OwnLibrariesMain() {}

    public static void main(String[] args) throws Exception {
        Object generated = new ByteBuddy()
                .subclass(Object.class)
                .method(named("toString"))
                .intercept(FixedValue.value("made by the application's ByteBuddy"))
                .make()
                .load(OwnLibrariesMain.class.getClassLoader())
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance();
        String jar = ByteBuddy.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath();
        System.out.println("bytebuddy=" + generated + " from " + jar.substring(jar.lastIndexOf('/') + 1));
        Span span = GlobalOpenTelemetry.getTracer("app").spanBuilder("work").startSpan();
        span.end();
        System.out.println("otel=" + span.getClass().getName());
        HttpURLConnection c = (HttpURLConnection) new URL(args[0]).openConnection();
        System.out.println("status=" + c.getResponseCode());
    }
}
