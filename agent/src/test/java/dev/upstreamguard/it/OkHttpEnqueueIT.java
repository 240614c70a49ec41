package dev.upstreamguard.it;

/** The conformance suite against OkHttp {@code Call.enqueue} (the version on the class path: see the agent pom's executions). */
class OkHttpEnqueueIT extends ClientConformanceSuite {
    private final ClientDriver driver = new OkHttpDriver(true);

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
