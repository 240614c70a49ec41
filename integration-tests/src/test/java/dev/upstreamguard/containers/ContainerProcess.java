package dev.upstreamguard.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A servlet container started from its own launcher (a shell script or {@code start.jar}) as a child
 * process, its output written to a log file. {@link #close()} stops the whole process tree; a JVM shutdown
 * hook does the same if the test JVM ends first, so no container outlives the build. Thread-safe.
 */
final class ContainerProcess implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread hook;

    private ContainerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.hook = new Thread(this::stopTree, name + "-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code command} in {@code directory} with these extra environment variables. */
    static ContainerProcess start(
            String name, List<String> command, Path directory, Map<String, String> env, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            return new ContainerProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Runs a set-up command to its end; fails with its output when it fails or takes over a minute. */
    static void runToEnd(String name, List<String> command, Path directory, Map<String, String> env, Path log) {
        try (ContainerProcess step = start(name, command, directory, env, log)) {
            if (!step.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not finish within 60 s\n" + step.output());
            }
            if (step.process.exitValue() != 0) {
                throw new AssertionError(
                        name + " failed with exit code " + step.process.exitValue() + "\n" + step.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + name);
        }
    }

    /** Waits until {@code url} answers 200, failing early if the process ends. */
    void awaitReady(URI url, Duration timeout) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " ended with exit code " + process.exitValue() + " before answering "
                        + url + "\n" + output());
            }
            try {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + name);
            }
            sleep(200);
        }
        throw new AssertionError(
                name + " did not answer 200 at " + url + " within " + timeout.toSeconds() + " s\n" + output());
    }

    /** The log so far (its last 20,000 characters). */
    String output() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return "--- " + name + " (" + log + ") ---\n"
                    + (text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text);
        } catch (IOException e) {
            return "--- " + name + ": cannot read " + log + ": " + e;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        stopTree();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** A normal termination first (the container shuts down and the exporter flushes), forcibly after 10 s. */
    private void stopTree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(process.descendants().toList()); // before the parent dies: orphans are not its descendants
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                handle.destroyForcibly();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
