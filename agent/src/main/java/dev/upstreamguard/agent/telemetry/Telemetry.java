package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallObserver;
import io.opentelemetry.api.OpenTelemetry;
import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.agent.core.DependencyResolver;
import io.opentelemetry.api.metrics.Meter;
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

    /** Defaults below system properties and environment: OTLP http/protobuf to localhost:4318, traces and metrics. */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.traces.exporter", "otlp",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "otlp",
            "otel.logs.exporter", "none",
            "otel.service.name", "unknown_service:java");
    /** With {@code upstreamguard.tracing.enabled=false} no span is made, so no trace exporter is set up either. */
    static final Map<String, String> DEFAULTS_WITHOUT_TRACING;

    static {
        Map<String, String> untraced = new java.util.HashMap<>(DEFAULTS);
        untraced.put("otel.traces.exporter", "none");
        DEFAULTS_WITHOUT_TRACING = Map.copyOf(untraced);
    }

    /** The SDK's logger root; in the agent jar the shade plugin relocates this string with the classes. */
    private static final String SHADED_OTEL_LOGGER = "io.opentelemetry";
    /** The console exporter logs each span at INFO through this logger (relocated likewise). */
    private static final String CONSOLE_EXPORTER_LOGGER = "io.opentelemetry.exporter.logging";
    /** Held so the logger (and its settings) is not collected. */
    private static Logger sdkLogger;

    private Telemetry() {}

    /**
     * Builds the SDK, installs the filter's server-span hooks (when tracing) and returns the observer that
     * makes the attempt spans (when tracing) and records the metrics (unless {@code otel.metrics.exporter=none}
     * or {@code otel.sdk.disabled=true}, when the SDK's meters record nothing); on any failure logs one line
     * and returns {@link CallObserver#NOOP} so the agent still guards calls.
     */
    public static CallObserver start(String agentVersion, boolean tracing, DependencyResolver dependencies) {
        routeSdkLogging();
        try {
            Map<String, String> defaults = tracing ? DEFAULTS : DEFAULTS_WITHOUT_TRACING;
            OpenTelemetry sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .setServiceClassLoader(Telemetry.class.getClassLoader())
                    .build()
                    .getOpenTelemetrySdk();
            CallObserver spans = CallObserver.NOOP;
            if (tracing) {
                Tracer tracer = sdk.getTracer("dev.upstreamguard.agent", agentVersion);
                RequestBridge.installServerSpans(new AgentServerSpans(tracer));
                spans = new SpanCallObserver(tracer, ParentContexts::current);
            }
            Meter meter = sdk.getMeterProvider().meterBuilder("dev.upstreamguard.agent")
                    .setInstrumentationVersion(agentVersion)
                    .build();
            return new MetricsCallObserver(meter, spans, dependencies);
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
