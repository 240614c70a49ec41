package dev.upstreamguard.it;

/** The conformance suite against Apache HttpClient 4.5 (the version on the class path: see the agent pom's executions). */
class Apache4IT extends ClientConformanceSuite {
    private final ClientDriver driver = new Apache4Driver();

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
