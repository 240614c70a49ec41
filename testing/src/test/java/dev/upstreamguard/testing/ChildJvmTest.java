package dev.upstreamguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChildJvmTest {

    @Test
    void runsAMainClassAndCapturesItsOutputAndExitCode() {
        ChildJvm.Result result = ChildJvm.java()
                .jvmArg("-Xmx64m")
                .sysProp("fixture.prop", "p1")
                .env("FIXTURE_ENV", "e1")
                .mainClass(ChildJvmMain.class.getName(), "exit", "3")
                .run();

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdoutLines()).containsExactly("hello stdout exit,3", "prop=p1", "env=e1");
        assertThat(result.stderrLines()).containsExactly("hello stderr", "second stderr line");
        assertThat(result.elapsed()).isPositive();
    }

    @Test
    void startsALongRunningChildAndStopsIt() {
        ChildJvm.Running running;
        try (ChildJvm.Running child =
                ChildJvm.java().mainClass(ChildJvmMain.class.getName(), "serve").start()) {
            running = child;
            assertThat(child.awaitOutputLine(line -> line.equals("ready"), Duration.ofSeconds(20)))
                    .isEqualTo("ready");
            // stdout and stderr are drained by separate threads: wait for the last stderr line itself
            assertThat(child.awaitOutputLine(line -> line.equals("second stderr line"), Duration.ofSeconds(5)))
                    .isEqualTo("second stderr line");
            assertThat(child.output()).contains("hello stdout serve", "second stderr line", "ready");
            assertThat(child.pid()).isPositive();
            assertThat(child.isAlive()).isTrue();
        }
        assertThat(running.isAlive()).isFalse();
        Optional<ProcessHandle> handle = ProcessHandle.of(running.pid());
        assertThat(handle.map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void closeStopsDescendantsToo() {
        long grandchildPid;
        try (ChildJvm.Running child =
                ChildJvm.java().mainClass(ChildJvmMain.class.getName(), "spawn").start()) {
            String line = child.awaitOutputLine(l -> l.startsWith("grandchild "), Duration.ofSeconds(20));
            grandchildPid = Long.parseLong(line.substring("grandchild ".length()));
            assertThat(ProcessHandle.of(grandchildPid)).isPresent();
        }
        assertThat(ProcessHandle.of(grandchildPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void awaitOutputLineFailsReadablyWhenTheChildExitsWithoutTheLine() {
        try (ChildJvm.Running child = ChildJvm.java()
                .mainClass(ChildJvmMain.class.getName(), "exit", "0")
                .start()) {
            assertThatThrownBy(() -> child.awaitOutputLine(line -> line.equals("never"), Duration.ofSeconds(20)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("without a matching line")
                    .hasMessageContaining("hello stderr");
        }
    }

    @Test
    void runKillsAChildThatOutlivesItsTimeout() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> ChildJvm.java()
                        .mainClass(ChildJvmMain.class.getName(), "serve")
                        .timeout(Duration.ofSeconds(3))
                        .run())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("still running after 3000 ms")
                .hasMessageContaining("ready");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void buildsTheCommandLine() {
        assertThat(ChildJvm.java()
                        .javaagent(java.nio.file.Path.of("/tmp/agent.jar"), "debug=true")
                        .jvmArg("-Xss1m")
                        .sysProp("a", "b")
                        .classpath("cp")
                        .mainClass("com.example.Main", "x")
                        .command())
                .endsWith(
                        "-javaagent:/tmp/agent.jar=debug=true", "-Xss1m", "-Da=b", "-cp", "cp", "com.example.Main", "x")
                .first()
                .asString()
                .endsWith("/bin/java");
    }
}
