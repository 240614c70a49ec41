package dev.upstreamguard.it;

/** The conformance suite against Apache HttpClient 5 classic (the version on the class path: see the agent pom's executions). */
class Apache5IT extends ClientConformanceSuite {
    private final ClientDriver driver = new Apache5Driver();

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
