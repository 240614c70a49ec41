package dev.upstreamguard.it;

/** The conformance suite against {@code HttpClient.send}. */
class JdkHttpClientSendIT extends ClientConformanceSuite {
    private final ClientDriver driver = new JdkHttpClientDriver(false);

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
