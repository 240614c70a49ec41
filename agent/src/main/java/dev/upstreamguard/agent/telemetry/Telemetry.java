package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallObserver;
import io.opentelemetry.api.OpenTelemetry;
import dev.upstreamguard.bootstrap.RequestBridge;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up the agent's own (shaded) OpenTelemetry SDK through the SDK's autoconfiguration, so the
 * standard {@code otel.*} / {@code OTEL_*} settings apply, and turns it into a {@link CallObserver}.
 */
public final class Telemetry {

    /** Defaults below system properties and environment: OTLP http/protobuf to localhost:4318, traces only. */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.traces.exporter", "otlp",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            "otel.service.name", "unknown_service:java");

    /** The SDK's logger root; in the agent jar the shade plugin relocates this string with the classes. */
    private static final String SHADED_OTEL_LOGGER = "io.opentelemetry";
    /** The console exporter logs each span at INFO through this logger (relocated likewise). */
    private static final String CONSOLE_EXPORTER_LOGGER = "io.opentelemetry.exporter.logging";
    /** Held so the logger (and its settings) is not collected. */
    private static Logger sdkLogger;

    private Telemetry() {}

    /**
     * Builds the SDK, installs the filter's server-span hooks and returns the observer that makes the
     * attempt spans; on any failure logs one line and returns {@link CallObserver#NOOP} so the agent
     * still guards calls without spans.
     */
    public static CallObserver start(String agentVersion) {
        routeSdkLogging();
        try {
            OpenTelemetry sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> DEFAULTS)
                    .setServiceClassLoader(Telemetry.class.getClassLoader())
                    .build()
                    .getOpenTelemetrySdk();
            Tracer tracer = sdk.getTracer("dev.upstreamguard.agent", agentVersion);
            RequestBridge.installServerSpans(new AgentServerSpans(tracer));
            return new SpanCallObserver(tracer, ParentContexts::current);
        } catch (RuntimeException | LinkageError e) {
            AgentLog.info("OpenTelemetry could not be set up (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); calls are guarded without spans");
            return CallObserver.NOOP;
        }
    }

    /**
     * The SDK logs through java.util.logging; an unreachable collector would print a stack trace per
     * failed export. Route its messages to one line each, the first time only.
     */
    private static void routeSdkLogging() {
        Logger logger = Logger.getLogger(SHADED_OTEL_LOGGER);
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage() == null ? "" : record.getMessage();
                if (record.getLoggerName() != null && record.getLoggerName().startsWith(CONSOLE_EXPORTER_LOGGER)) {
                    System.err.println(message); // otel.traces.exporter=console: printing spans is its job
                    return;
                }
                if (record.getLevel().intValue() < Level.WARNING.intValue()) {
                    return;
                }
                // one line per kind of message: "Failed to export 2 spans" and "... 3 spans" are the same kind
                String shape = message.replaceAll("[0-9]+", "#");
                String key = record.getLoggerName() + '|' + shape.substring(0, Math.min(60, shape.length()));
                AgentLog.warnOnce(key, "OpenTelemetry: " + oneLine(message)
                        + " (repeats of this message are not shown)");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        sdkLogger = logger;
    }

    private static String oneLine(String s) {
        String flat = s.replace('\r', ' ').replace('\n', ' ');
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
