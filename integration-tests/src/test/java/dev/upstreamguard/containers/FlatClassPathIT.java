package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;

/**
 * A flat class path (embedded Jetty, every jar on the application class path) whose application has only
 * the OpenTelemetry API: the agent records the SERVER span for the filter.
 */
class FlatClassPathIT extends UpstreamFailureContract {
    @Override
    Shop startShop(OtlpReceiver receiver) {
        return FlatShop.start(receiver, false, null);
    }

    @Override
    String serverSpanScope() {
        return AGENT_SCOPE;
    }
}
