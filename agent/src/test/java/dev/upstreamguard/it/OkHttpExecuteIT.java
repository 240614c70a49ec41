package dev.upstreamguard.it;

/** The conformance suite against OkHttp {@code Call.execute} (the version on the class path: see the agent pom's executions). */
class OkHttpExecuteIT extends ClientConformanceSuite {
    private final ClientDriver driver = new OkHttpDriver(false);

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
