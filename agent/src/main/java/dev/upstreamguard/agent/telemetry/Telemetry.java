package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.DependencyResolver;
import dev.upstreamguard.bootstrap.ServerSpanHooks;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up the agent's own (shaded) OpenTelemetry SDK through the SDK's autoconfiguration, so the
 * standard {@code otel.*} / {@code OTEL_*} settings apply, and turns it into a {@link CallObserver} and
 * the filter's SERVER spans. Immutable once built.
 */
public final class Telemetry {

    /** Defaults below system properties and environment: OTLP http/protobuf to localhost:4318, traces and metrics. */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.traces.exporter", "otlp",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "otlp",
            "otel.logs.exporter", "none",
            "otel.service.name", "unknown_service:java");
    /** How long the exit waits for the last export: a live collector takes milliseconds. */
    static final long EXIT_FLUSH_MILLIS = 1_000;
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

    /** No SDK: calls are guarded without spans or metrics, and the filter gets no SERVER spans. */
    public static final Telemetry NONE = new Telemetry(CallObserver.NOOP, null);

    private final CallObserver observer;
    private final ServerSpanHooks serverSpans;

    private Telemetry(CallObserver observer, ServerSpanHooks serverSpans) {
        this.observer = observer;
        this.serverSpans = serverSpans;
    }

    /** A telemetry of the given parts (tests stand in their own observer). */
    public static Telemetry of(CallObserver observer, ServerSpanHooks serverSpans) {
        return new Telemetry(observer, serverSpans);
    }

    /**
     * The observer that makes the attempt spans (when tracing) and records the metrics (unless {@code
     * otel.metrics.exporter=none} or {@code otel.sdk.disabled=true}, when the SDK's meters record nothing).
     */
    public CallObserver observer() {
        return observer;
    }

    /** The SERVER spans for the filter, made by this SDK; null without tracing. */
    public ServerSpanHooks serverSpans() {
        return serverSpans;
    }

    /**
     * Builds the SDK; on any failure logs one line and returns {@link #NONE} so the agent still guards
     * calls. Installs nothing: the caller hands {@link #serverSpans()} to the bridge.
     */
    public static Telemetry start(String agentVersion, boolean tracing, DependencyResolver dependencies) {
        routeSdkLogging();
        try {
            Map<String, String> defaults = tracing ? DEFAULTS : DEFAULTS_WITHOUT_TRACING;
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .setServiceClassLoader(Telemetry.class.getClassLoader())
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            flushAtExit(sdk);
            CallObserver spans = CallObserver.NOOP;
            ServerSpanHooks serverSpans = null;
            if (tracing) {
                Tracer tracer = sdk.getTracer("dev.upstreamguard.agent", agentVersion);
                serverSpans = new AgentServerSpans(tracer);
                spans = new SpanCallObserver(tracer, ParentContexts::current);
            }
            Meter meter = sdk.getMeterProvider()
                    .meterBuilder("dev.upstreamguard.agent")
                    .setInstrumentationVersion(agentVersion)
                    .build();
            return new Telemetry(new MetricsCallObserver(meter, spans, dependencies), serverSpans);
        } catch (RuntimeException | LinkageError e) {
            AgentLog.info("OpenTelemetry could not be set up (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); calls are guarded without spans");
            return NONE;
        }
    }

    /**
     * At exit, the last spans and metrics go out, for {@link #EXIT_FLUSH_MILLIS} at most: the SDK's own hook
     * waits for the collector as long as its exporters' timeouts and retries take (8 s for a refused port,
     * 20 s and more for one that never answers), holding up the application's exit.
     */
    private static void flushAtExit(OpenTelemetrySdk sdk) {
        // shutdown() itself blocks while the metric reader's last export runs: run it aside and wait a bounded time
        Thread hook = new Thread(
                () -> {
                    Thread flush = new Thread(sdk::shutdown, "upstream-guard-telemetry-flush");
                    flush.setDaemon(true);
                    flush.start();
                    try {
                        flush.join(EXIT_FLUSH_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "upstream-guard-telemetry-exit");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: nothing to add
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
                AgentLog.warnOnce(
                        key, "OpenTelemetry: " + oneLine(message) + " (repeats of this message are not shown)");
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
