package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;

/**
 * The WAR (the filter and opentelemetry-api in WEB-INF/lib) deployed in a real Jetty 12 distribution
 * ({@code ee10-deploy}) started with the agent as a JVM option.
 */
class JettyWarIT extends UpstreamFailureContract {
    @Override
    Shop startShop(OtlpReceiver receiver) throws Exception {
        return JettyShop.start("jetty-war", receiver);
    }

    @Override
    String serverSpanScope() {
        return AGENT_SCOPE;
    }
}
