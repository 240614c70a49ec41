package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.function.Supplier;
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
    /** Held so the logger (and its settings) is not collected. */
    private static Logger sdkLogger;

    private Telemetry() {}

    /**
     * Builds the SDK; on any failure logs one line and returns {@link CallObserver#NOOP} so the agent
     * still guards calls without spans.
     */
    public static CallObserver start(String agentVersion, Supplier<Context> parents) {
        routeSdkLogging();
        try {
            OpenTelemetry sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> DEFAULTS)
                    .setServiceClassLoader(Telemetry.class.getClassLoader())
                    .build()
                    .getOpenTelemetrySdk();
            return new SpanCallObserver(sdk.getTracer("dev.upstreamguard.agent", agentVersion), parents);
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
                if (record.getLevel().intValue() < Level.WARNING.intValue()) {
                    return;
                }
                String message = record.getMessage() == null ? "" : record.getMessage();
                String key = record.getLoggerName() + '|' + message.substring(0, Math.min(40, message.length()));
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
