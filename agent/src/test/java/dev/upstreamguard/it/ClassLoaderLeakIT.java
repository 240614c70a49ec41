package dev.upstreamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.it.apps.ContextLoaderMain;
import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's threads never keep a web application's class loader: in a fresh JVM,
 * the first guarded calls come from a thread whose context loader and access-control context belong to
 * a throwaway loader; once the application lets go of it, it is collected.
 */
class ClassLoaderLeakIT {

    private static final Path AGENT = Paths.get(System.getProperty("agent.jar"));

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
    void theFirstCallsStartTheAgentsThreadsWithoutTheApplicationsLoader() {
        upstream.enqueue(Fault.ok("first"), Fault.status(503)).otherwise(Fault.ok("retried"));

        ChildJvm.Result result = ChildJvm.java()
                .javaagent(AGENT)
                .sysProp("otel.traces.exporter", "none")
                .sysProp("upstreamguard.retry.backoff.initial", "20ms")
                .mainClass(ContextLoaderMain.class.getName(), upstream.url("/ok"), upstream.url("/retried"))
                .timeout(Duration.ofSeconds(60))
                .run();

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("status=200\nstatus=200");
        assertThat(upstream.hits()).as("the second call was retried").isEqualTo(3);
        assertThat(result.stdout()).doesNotContain("held-by=").contains("cleared=true");
    }
}
