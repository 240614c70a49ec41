package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;

/**
 * The WAR (the filter and opentelemetry-api in WEB-INF/lib) deployed in a real Apache Tomcat 11 started
 * with the agent in {@code CATALINA_OPTS}.
 */
class TomcatWarIT extends UpstreamFailureContract {
    @Override
    Shop startShop(OtlpReceiver receiver) throws Exception {
        return TomcatShop.start("tomcat-war", TomcatShop.ApiLayout.IN_WAR, receiver);
    }

    @Override
    String serverSpanScope() {
        return AGENT_SCOPE;
    }
}
