package dev.upstreamguard.it;

/** The conformance suite against {@code HttpURLConnection}. */
class HttpUrlConnectionIT extends ClientConformanceSuite {
    private final ClientDriver driver = new UrlConnectionDriver();

    @Override
    protected ClientDriver driver() {
        return driver;
    }
}
