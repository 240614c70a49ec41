package dev.upstreamguard.containers;

import dev.upstreamguard.testing.OtlpReceiver;

/**
 * The other usual layout: opentelemetry-api in Tomcat's common class path ({@code lib/}), shared by every
 * application, and only the filter in the WAR's WEB-INF/lib.
 */
class TomcatSharedApiIT extends OneTraceContract {
    @Override
    Shop startShop(OtlpReceiver receiver) throws Exception {
        return TomcatShop.start("tomcat-shared-api", TomcatShop.ApiLayout.IN_CONTAINER_LIB, receiver);
    }

    @Override
    String serverSpanScope() {
        return AGENT_SCOPE;
    }
}
