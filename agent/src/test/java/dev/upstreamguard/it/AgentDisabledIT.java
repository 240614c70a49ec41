package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.net.ConnectException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code upstreamguard.enabled=false}: the agent installs nothing. */
class AgentDisabledIT {

    private FaultyUpstream upstream;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void nothingIsInstalled() throws Exception {
        assertThat(new URL("http://127.0.0.1:1/").openConnection().getClass().getName())
                .startsWith("sun.net.");
        assertThatThrownBy(() -> Class.forName("dev.upstreamguard.bootstrap.Bridge", false, null))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void callsAreNeitherRetriedNorTraced() throws Exception {
        upstream.otherwise(Fault.status(503));

        assertThat(new JdkHttpClientDriver(false)
                        .call("GET", upstream.url("/a"), null)
                        .status())
                .isEqualTo(503);
        // Apache 5 re-sends a 503 once by itself, after 1 s, as it does without the agent
        assertThat(new Apache5Driver().call("GET", upstream.url("/e"), null).status())
                .isEqualTo(503);
        assertThat(new UrlConnectionDriver()
                        .call("GET", upstream.url("/b"), null)
                        .status())
                .isEqualTo(503);
        assertThat(new OkHttpDriver(false).call("GET", upstream.url("/c"), null).status())
                .isEqualTo(503);
        assertThat(new Apache4Driver().call("GET", upstream.url("/d"), null).status())
                .isEqualTo(503);

        assertThat(upstream.hits()).isEqualTo(6);
        assertThat(upstream.requests()).allMatch(r -> r.header("traceparent") == null);
        Thread.sleep(Duration.ofSeconds(1).toMillis()); // an exporter would have sent by now (50ms schedule delay)
        assertThat(Collector.receiver().spans()).isEmpty();
    }

    @Test
    void aNameWhoseFirstAddressRefusesIsServedByItsNextAddressByTheLibrariesOnly() throws Exception {
        // what the conformance suite expects with the agent: the same as here, without it
        for (ClientDriver driver : List.of(
                new JdkHttpClientDriver(false),
                new UrlConnectionDriver(),
                new Apache5Driver(),
                new Apache4Driver(),
                new OkHttpDriver(false))) {
            try (FaultyUpstream second = ClientConformanceSuite.startWhereTheFirstAddressRefuses()) {
                String url = "http://twin.test:" + second.port() + "/orders";
                Throwable thrown = catchThrowable(() -> driver.call("POST", url, "x"));

                if (driver.triesEveryAddressOfAName()) {
                    assertThat(thrown).as(driver.getClass().getSimpleName()).isNull();
                    assertThat(second.hits()).isEqualTo(1);
                } else {
                    assertThat(thrown).as(driver.getClass().getSimpleName()).isInstanceOf(ConnectException.class);
                    assertThat(second.hits()).isZero();
                }
            }
        }
    }
}
