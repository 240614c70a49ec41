package dev.upstreamguard.it;

/** The conformance suite against {@code HttpClient.sendAsync}. */
class JdkHttpClientSendAsyncIT extends ClientConformanceSuite {
    private final ClientDriver driver = new JdkHttpClientDriver(true);

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
