package dev.upstreamguard.it;

import org.junit.jupiter.api.Nested;

/**
 * The conformance suite against Jetty's HttpClient 12 (the version on the class path: see the agent pom's
 * executions), through the blocking {@code send()} and through {@code send(Response.CompleteListener)}.
 */
class JettyClientIT {

    @Nested
    class Send extends ClientConformanceSuite {
        private final ClientDriver driver = new JettyClientDriver(false);

        @Override
        protected ClientDriver driver() {
            return driver;
        }
    }

    @Nested
    class SendWithListener extends ClientConformanceSuite {
        private final ClientDriver driver = new JettyClientDriver(true);

        @Override
        protected ClientDriver driver() {
            return driver;
        }
    }
}
