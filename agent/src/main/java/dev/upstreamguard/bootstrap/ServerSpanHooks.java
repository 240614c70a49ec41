package dev.upstreamguard.bootstrap;

import java.util.Map;

/**
 * Lets the filter have its SERVER span made by the agent's OpenTelemetry SDK when the application has
 * none of its own (a WAR with only the OpenTelemetry API, or none at all). Implemented by the agent.
 */
public interface ServerSpanHooks {

    /**
     * Starts a SERVER span continuing {@code incomingTraceparent} (may be null).
     *
     * @return {@code {span handle, traceparent, tracestate}}, or null when tracing is off
     */
    Object[] start(String name, Map<String, Object> attributes, String incomingTraceparent, String incomingTracestate);

    /**
     * Adds attributes, an optional event and an error status, and ends the span.
     *
     * @param errorType the span's {@code error.type} when its status is ERROR (set without a description),
     *                  else null
     */
    void end(
            Object span,
            Map<String, Object> attributes,
            String errorType,
            String eventName,
            Map<String, Object> eventAttributes);
}
