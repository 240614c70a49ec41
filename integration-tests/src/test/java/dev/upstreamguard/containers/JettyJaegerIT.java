package dev.upstreamguard.containers;

import java.io.IOException;
import java.util.List;

/** The storefront WAR in a real Jetty 12 with the agent, its trace checked in a real Jaeger. */
class JettyJaegerIT extends JaegerContract {
    @Override
    Shop startStorefront(String name, List<String> options) throws IOException {
        return JettyShop.start(name, Settings.storefrontWar(), "storefront", "/product/ready", options);
    }
}
