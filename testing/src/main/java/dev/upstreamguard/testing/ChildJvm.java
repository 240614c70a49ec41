package dev.upstreamguard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs a main class in a child JVM, for tests that need {@code -javaagent} or the child's
 * output. A builder: configure it, then {@link #run()} to wait for the exit or {@link #start()}
 * for a long-running process. Not thread-safe while being configured.
 *
 * <pre>{@code
 * ChildJvm.Result result = ChildJvm.java()
 *     .javaagent(agentJar)
 *     .sysProp("otel.exporter.otlp.endpoint", otlp.endpoint())
 *     .mainClass("com.example.Main", "arg")
 *     .run();
 * assertThat(result.exitCode()).isZero();
 * }</pre>
 *
 * <p>Output is read as UTF-8 by daemon threads, so a child never blocks on a full pipe.
 */
public final class ChildJvm {

    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final String javaBinary;
    private final List<String> agentArgs = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> sysProps = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String classpath = System.getProperty("java.class.path");
    private String mainClass;
    private Path executableJar;
    private List<String> args = List.of();
    private Duration timeout = Duration.ofSeconds(60);

    private ChildJvm(String javaBinary) {
        this.javaBinary = javaBinary;
    }

    /** A child running the same {@code java} binary as this JVM. */
    public static ChildJvm java() {
        return new ChildJvm(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Adds {@code -javaagent:jar}. */
    public ChildJvm javaagent(Path jar) {
        agentArgs.add("-javaagent:" + jar.toAbsolutePath());
        return this;
    }

    /** Adds {@code -javaagent:jar=options}. */
    public ChildJvm javaagent(Path jar, String options) {
        agentArgs.add("-javaagent:" + jar.toAbsolutePath() + "=" + options);
        return this;
    }

    /** Adds a JVM option such as {@code -Xmx64m}. */
    public ChildJvm jvmArg(String arg) {
        jvmArgs.add(Objects.requireNonNull(arg, "arg"));
        return this;
    }

    /** Adds {@code -Dkey=value}. */
    public ChildJvm sysProp(String key, String value) {
        sysProps.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Sets an environment variable of the child (which otherwise inherits this JVM's). */
    public ChildJvm env(String key, String value) {
        env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** The class path of the child; by default this JVM's {@code java.class.path}. */
    public ChildJvm classpath(String cp) {
        this.classpath = Objects.requireNonNull(cp, "cp");
        return this;
    }

    /** The class whose {@code main} runs, and its arguments. Required. */
    public ChildJvm mainClass(String className, String... args) {
        this.mainClass = Objects.requireNonNull(className, "className");
        this.args = List.of(args);
        return this;
    }

    /**
     * Runs an executable jar ({@code java -jar jar args}, a Spring Boot fat jar for example) instead of
     * a main class on a class path; its own manifest names the main class.
     */
    public ChildJvm jar(Path jar, String... args) {
        this.executableJar = Objects.requireNonNull(jar, "jar").toAbsolutePath();
        this.mainClass = executableJar.getFileName().toString();
        this.args = List.of(args);
        return this;
    }

    /** How long {@link #run()} waits for the exit (60 s by default). */
    public ChildJvm timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** The full command line that {@link #run()} and {@link #start()} execute. */
    public List<String> command() {
        if (mainClass == null) {
            throw new IllegalStateException("ChildJvm: no main class; call mainClass(...) first");
        }
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(agentArgs);
        command.addAll(jvmArgs);
        sysProps.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (executableJar != null) {
            command.add("-jar");
            command.add(executableJar.toString());
        } else {
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
        }
        command.addAll(args);
        return command;
    }

    /**
     * Runs the child to its exit.
     *
     * @throws AssertionError if it outlives the timeout; the process tree is then killed and the
     *     message holds the output captured so far
     */
    public Result run() {
        try (Running running = start()) {
            if (!running.waitForExit(timeout)) {
                running.kill();
                throw new AssertionError("child JVM " + mainClass + " still running after " + timeout.toMillis()
                        + " ms; killed it.\n" + running.describe());
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - running.startNanos);
            running.awaitDrained();
            return new Result(running.process.exitValue(), running.stdout.text(), running.stderr.text(), elapsed);
        }
    }

    /** Starts the child and returns at once; close the result to stop it. */
    public Running start() {
        ProcessBuilder builder = new ProcessBuilder(command());
        builder.environment().putAll(env);
        try {
            return new Running(builder.start(), mainClass);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }

    /**
     * How a child ended.
     *
     * @param exitCode the exit status
     * @param stdout all it printed on standard output
     * @param stderr all it printed on standard error
     * @param elapsed from start to exit
     */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {

        /** Standard output split into lines. */
        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        /** Standard error split into lines. */
        public List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    /**
     * A started child. Its output is collected as it comes; {@link #close()} stops it and its
     * descendants. Thread-safe.
     */
    public static final class Running implements AutoCloseable {

        private final Process process;
        private final String mainClass;
        private final long startNanos = System.nanoTime();
        private final OutputLog log = new OutputLog();
        private final StreamDrainer stdout;
        private final StreamDrainer stderr;

        private Running(Process process, String mainClass) {
            this.process = process;
            this.mainClass = mainClass;
            this.stdout = new StreamDrainer(process.getInputStream(), log, "stdout", process.pid());
            this.stderr = new StreamDrainer(process.getErrorStream(), log, "stderr", process.pid());
        }

        /**
         * Waits for a line on stdout or stderr that matches, looking at every line printed since the
         * start, and returns it.
         *
         * @throws AssertionError on timeout, or when the child exits without printing one; the
         *     message holds the output
         */
        public String awaitOutputLine(Predicate<String> match, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (log) {
                int checked = 0;
                while (true) {
                    for (; checked < log.lines.size(); checked++) {
                        if (match.test(log.lines.get(checked))) {
                            return log.lines.get(checked);
                        }
                    }
                    if (log.closedStreams == 2) {
                        throw new AssertionError("child JVM " + mainClass + " ended its output without a "
                                + "matching line.\n" + describe());
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no matching output line from child JVM " + mainClass + " within "
                                + timeout.toMillis() + " ms.\n" + describe());
                    }
                    try {
                        log.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted while waiting for output.\n" + describe());
                    }
                }
            }
        }

        /** Everything printed so far on stdout and stderr, line by line in arrival order. */
        public String output() {
            synchronized (log) {
                return log.lines.isEmpty() ? "" : String.join("\n", log.lines) + "\n";
            }
        }

        /** What was printed on standard output so far. */
        public String stdout() {
            return stdout.text();
        }

        /** What was printed on standard error so far. */
        public String stderr() {
            return stderr.text();
        }

        /** The child's process id. */
        public int pid() {
            return Math.toIntExact(process.pid());
        }

        /** Whether the child is still running. */
        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Waits for the exit and returns the exit code.
         *
         * @throws AssertionError if it is still running after the timeout
         */
        public int awaitExit(Duration timeout) {
            if (!waitForExit(timeout)) {
                throw new AssertionError("child JVM " + mainClass + " still running after " + timeout.toMillis()
                        + " ms.\n" + describe());
            }
            return process.exitValue();
        }

        /**
         * Stops the child and its descendants: a normal termination first (shutdown hooks run, so an
         * exporter can flush), forcibly for any still running after 5 s. Waits for the exits.
         */
        @Override
        public void close() {
            stopTree(false);
            awaitDrained();
        }

        void kill() {
            stopTree(true);
        }

        private void stopTree(boolean forcibly) {
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(process.toHandle());
            tree.addAll(descendants()); // before the parent dies: orphans are not its descendants
            for (ProcessHandle handle : tree) {
                if (forcibly) {
                    handle.destroyForcibly();
                } else {
                    handle.destroy();
                }
            }
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            for (ProcessHandle handle : tree) {
                if (!awaitExit(handle, deadline)) {
                    handle.destroyForcibly();
                    awaitExit(handle, System.nanoTime() + STOP_GRACE.toNanos());
                }
            }
        }

        private static boolean awaitExit(ProcessHandle handle, long deadlineNanos) {
            try {
                handle.onExit().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private List<ProcessHandle> descendants() {
            return process.descendants().toList();
        }

        private boolean waitForExit(Duration timeout) {
            try {
                return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Lets the drainers read to the end of the pipes (bounded: a grandchild may hold them). */
        private void awaitDrained() {
            stdout.join(DRAIN_GRACE);
            stderr.join(DRAIN_GRACE);
        }

        String describe() {
            String exit = process.isAlive() ? "running" : "exit code " + process.exitValue();
            return "pid " + process.pid() + ", " + exit + "\n--- stdout ---\n" + stdout.text() + "\n--- stderr ---\n"
                    + stderr.text();
        }
    }

    /** The lines of both streams in arrival order; its monitor guards it and signals new lines. */
    private static final class OutputLog {
        final List<String> lines = new ArrayList<>();
        int closedStreams;
    }

    /** A daemon thread that copies one of the child's streams into text and the shared log. */
    private static final class StreamDrainer {
        private final StringBuilder text = new StringBuilder();
        private final Thread thread;

        StreamDrainer(InputStream in, OutputLog log, String name, long pid) {
            thread = new Thread(() -> drain(in, log), "child-jvm-" + pid + "-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream in, OutputLog log) {
            StringBuilder line = new StringBuilder();
            char[] buffer = new char[4096];
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int n;
                while ((n = reader.read(buffer)) >= 0) {
                    synchronized (this) {
                        text.append(buffer, 0, n);
                    }
                    for (int i = 0; i < n; i++) {
                        char c = buffer[i];
                        if (c == '\n') {
                            addLine(log, line);
                        } else if (c != '\r') {
                            line.append(c);
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone and its pipe closed: keep what was read
            } finally {
                if (line.length() > 0) {
                    addLine(log, line);
                }
                synchronized (log) {
                    log.closedStreams++;
                    log.notifyAll();
                }
            }
        }

        private static void addLine(OutputLog log, StringBuilder line) {
            synchronized (log) {
                log.lines.add(line.toString());
                log.notifyAll();
            }
            line.setLength(0);
        }

        synchronized String text() {
            return text.toString();
        }

        void join(Duration timeout) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
