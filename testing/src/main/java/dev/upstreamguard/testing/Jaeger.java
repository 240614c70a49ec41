package dev.upstreamguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Jaeger v2 ({@code cmd/jaeger}, built by {@code tools/jaeger/build.sh}) as a child process: on
 * 127.0.0.1 only, on free ports, with in-memory storage, an OTLP/HTTP receiver and the HTTP query API (the
 * one Jaeger's web UI reads). Its configuration is written to the work directory; its output goes to
 * {@code jaeger.log} there. {@link #stop()} ends it by process id, {@link #restart()} starts it again on the
 * same ports (with empty storage), {@link #close()} stops it for good; a JVM shutdown hook stops it if the
 * test JVM ends first. Thread-safe.
 *
 * <pre>{@code
 * try (Jaeger jaeger = Jaeger.start(Jaeger.findBinary().orElseThrow(), workDir)) {
 *   // run the application with otel.exporter.otlp.endpoint=jaeger.otlpEndpoint()
 *   JaegerTrace trace = jaeger.awaitTrace(traceId, t -> t.spans().size() == 4, Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class Jaeger implements AutoCloseable {

    /** The system property naming the binary; {@code .ci/run} sets it to what the build script printed. */
    public static final String BINARY_PROPERTY = "jaeger.binary";
    /** The environment variable naming the binary, when the system property is not set. */
    public static final String BINARY_ENV = "JAEGER_BINARY";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Pattern JAEGER_REQUIRE =
            Pattern.compile("(?m)^\\s*(?:require\\s+)?github\\.com/jaegertracing/jaeger\\s+(v\\S+)");

    private final Path binary;
    private final Path config;
    private final Path log;
    private final int otlpPort;
    private final int queryPort;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final Thread hook;
    private Process process; // guarded by this

    private Jaeger(Path binary, Path workDir) throws IOException {
        this.binary = binary;
        this.otlpPort = Ports.refusedPort();
        this.queryPort = Ports.refusedPort();
        int queryGrpcPort = Ports.refusedPort();
        Files.createDirectories(workDir);
        this.config = workDir.resolve("jaeger.yaml");
        this.log = workDir.resolve("jaeger.log");
        Files.writeString(config, config(otlpPort, queryPort, queryGrpcPort), StandardCharsets.UTF_8);
        this.hook = new Thread(this::stopProcess, "jaeger-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts Jaeger from {@code binary} in {@code workDir} and returns once it accepts spans and queries. */
    public static Jaeger start(Path binary, Path workDir) {
        Jaeger jaeger;
        try {
            jaeger = new Jaeger(binary, workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Jaeger's configuration in " + workDir, e);
        }
        try {
            jaeger.launch();
        } catch (RuntimeException | Error e) {
            jaeger.close();
            throw e;
        }
        return jaeger;
    }

    /**
     * The Jaeger binary: {@code -Djaeger.binary}, else {@code $JAEGER_BINARY}, else the one {@code
     * tools/jaeger/build.sh} leaves in its cache directory for the version pinned in {@code
     * tools/jaeger/go.mod} (found from the working directory upwards). Empty when none of these is an
     * executable file.
     */
    public static Optional<Path> findBinary() {
        return findBinary(Path.of(""));
    }

    /** {@link #findBinary()}, looking for {@code tools/jaeger/go.mod} from {@code searchFrom} upwards. */
    public static Optional<Path> findBinary(Path searchFrom) {
        for (Path candidate : candidates(searchFrom)) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** Why {@link #findBinary()} found nothing, in one line: where it looked and how to build one. */
    public static String notFoundMessage() {
        return notFoundMessage(Path.of(""));
    }

    /** {@link #notFoundMessage()} for {@link #findBinary(Path)}. */
    public static String notFoundMessage(Path searchFrom) {
        List<Path> candidates = candidates(searchFrom);
        return "no Jaeger binary ("
                + (candidates.isEmpty()
                        ? "no tools/jaeger/go.mod above " + searchFrom.toAbsolutePath()
                        : "looked at " + candidates)
                + "); build it with tools/jaeger/build.sh (needs Go) or name one with -D"
                + BINARY_PROPERTY + "=PATH";
    }

    /** Whether this runs under CI ({@code CI=true}), where the demo's test must have a Jaeger too. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static List<Path> candidates(Path searchFrom) {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty(BINARY_PROPERTY);
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
            return candidates; // named explicitly: nothing else stands in for it
        }
        String env = System.getenv(BINARY_ENV);
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
            return candidates;
        }
        String version = pinnedVersion(searchFrom);
        if (version != null) {
            String cacheDir = System.getenv("JAEGER_CACHE_DIR");
            if (cacheDir != null && !cacheDir.isBlank()) {
                candidates.add(Path.of(cacheDir, "jaeger"));
            } else {
                String xdg = System.getenv("XDG_CACHE_HOME");
                Path cache = xdg != null && !xdg.isBlank()
                        ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home"), ".cache");
                candidates.add(cache.resolve("upstream-guard")
                        .resolve("jaeger-" + version)
                        .resolve("jaeger"));
            }
        }
        return candidates;
    }

    /** The Jaeger version in tools/jaeger/go.mod, found from {@code searchFrom} upwards, or null. */
    private static String pinnedVersion(Path searchFrom) {
        for (Path dir = searchFrom.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path goMod = dir.resolve("tools").resolve("jaeger").resolve("go.mod");
            if (Files.isRegularFile(goMod)) {
                try {
                    Matcher m = JAEGER_REQUIRE.matcher(Files.readString(goMod, StandardCharsets.UTF_8));
                    return m.find() ? m.group(1) : null;
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Jaeger v2's configuration: one in-memory store, OTLP/HTTP in, the query API out, no other listener. */
    static String config(int otlpPort, int queryPort, int queryGrpcPort) {
        return String.join(
                "\n",
                "# Written by the tests' Jaeger fixture: 127.0.0.1 only, in-memory storage.",
                "service:",
                "  extensions: [jaeger_storage, jaeger_query]",
                "  pipelines:",
                "    traces:",
                "      receivers: [otlp]",
                "      processors: [batch]",
                "      exporters: [jaeger_storage_exporter]",
                "  telemetry:",
                "    metrics:",
                "      level: none",
                "    logs:",
                "      level: info",
                "extensions:",
                "  jaeger_storage:",
                "    backends:",
                "      memstore:",
                "        memory:",
                "          max_traces: 100000",
                "  jaeger_query:",
                "    # on by default in v2: it would send Jaeger's own spans to 127.0.0.1:4317",
                "    enable_tracing: false",
                "    storage:",
                "      traces: memstore",
                "    http:",
                "      endpoint: 127.0.0.1:" + queryPort,
                "    grpc:",
                "      endpoint: 127.0.0.1:" + queryGrpcPort,
                "receivers:",
                "  otlp:",
                "    protocols:",
                "      http:",
                "        endpoint: 127.0.0.1:" + otlpPort,
                "processors:",
                "  batch:",
                "    timeout: 100ms",
                "exporters:",
                "  jaeger_storage_exporter:",
                "    trace_storage: memstore",
                "");
    }

    /** The OTLP/HTTP base URL, for {@code otel.exporter.otlp.endpoint}: {@code http://127.0.0.1:PORT}. */
    public String otlpEndpoint() {
        return "http://127.0.0.1:" + otlpPort;
    }

    /** The query API's base URL, {@code http://127.0.0.1:PORT} (its {@code /api/...} paths). */
    public String queryUrl() {
        return "http://127.0.0.1:" + queryPort;
    }

    /** The running process's id; fails when it is stopped. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("Jaeger is stopped");
        }
        return process.pid();
    }

    /** Whether the process runs. */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Ends the process by its id: SIGTERM, and SIGKILL if it is still there after 10 s. Idempotent. */
    public synchronized void stop() {
        stopProcess();
    }

    /** Starts it again on the same ports (stopping it first if it runs); returns once it is ready. */
    public synchronized void restart() {
        stopProcess();
        launch();
    }

    /** Stops it for good. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** Its log so far (the last 20,000 characters), for failure messages. */
    public String output() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return "--- jaeger (" + log + ") ---\n"
                    + (text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text);
        } catch (IOException e) {
            return "--- jaeger: cannot read " + log + ": " + e;
        }
    }

    /** {@code GET} on the query API: {@code path} such as {@code /api/services}; the status and the body. */
    public Answer get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(queryUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json")
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on Jaeger failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + path + " on Jaeger", e);
        }
    }

    /** An answer of the query API. */
    public record Answer(int status, String body) {}

    /** The service names Jaeger knows ({@code GET /api/services}). */
    public List<String> services() {
        Answer answer = get("/api/services");
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /api/services answered " + answer.status() + ": " + answer.body());
        }
        List<String> names = new ArrayList<>();
        for (Object name :
                Json.array(Json.object(Json.parse(answer.body()), "the answer").get("data"), "data")) {
            names.add(String.valueOf(name));
        }
        return names;
    }

    /**
     * The service-to-service edges Jaeger computes over the last {@code lookback} ({@code GET
     * /api/dependencies}): each a map with {@code parent}, {@code child} and {@code callCount}.
     */
    public List<Map<String, Object>> dependencies(Duration lookback) {
        Answer answer =
                get("/api/dependencies?endTs=" + System.currentTimeMillis() + "&lookback=" + lookback.toMillis());
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /api/dependencies answered " + answer.status() + ": " + answer.body());
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        for (Object edge :
                Json.array(Json.object(Json.parse(answer.body()), "the answer").get("data"), "data")) {
            edges.add(Json.object(edge, "dependency"));
        }
        return edges;
    }

    /**
     * Polls {@code GET /api/traces/{traceId}} until the trace is there and {@code complete} accepts it;
     * fails with the last answer and Jaeger's log after {@code timeout}.
     */
    public JaegerTrace awaitTrace(String traceId, Predicate<JaegerTrace> complete, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Answer last = null;
        JaegerTrace trace = null;
        while (true) {
            last = get("/api/traces/" + traceId);
            if (last.status() == 200) {
                trace = JaegerTrace.parse(traceId, last.body());
                if (complete.test(trace)) {
                    return trace;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Jaeger did not have the complete trace " + traceId + " within "
                        + timeout.toSeconds() + " s; last answer " + last.status() + ": "
                        + (trace != null ? trace.describe() : last.body()) + "\n" + output());
            }
            sleep(200);
        }
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--config=" + config)
                .directory(config.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        synchronized (this) {
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + binary, e);
            }
        }
        awaitReady();
    }

    /** Ready when the OTLP port accepts connections and the query API answers 200. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Process running;
            synchronized (this) {
                running = process;
            }
            if (!running.isAlive()) {
                throw new IllegalStateException(
                        "Jaeger ended with exit code " + running.exitValue() + " before it was ready\n" + output());
            }
            if (accepts(otlpPort)) {
                try {
                    if (get("/api/services").status() == 200) {
                        return;
                    }
                } catch (UncheckedIOException notYet) {
                    // the query API is not listening yet
                }
            }
            sleep(100);
        }
        throw new IllegalStateException("Jaeger was not ready within " + READY_TIMEOUT.toSeconds() + " s\n" + output());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.ADDRESS, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void stopProcess() {
        Process running;
        synchronized (this) {
            running = process;
            process = null;
        }
        if (running == null) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(running.pid()).orElse(null);
        if (handle == null) {
            return; // already gone
        }
        handle.destroy();
        try {
            handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception stillRunning) {
            handle.destroyForcibly();
            try {
                running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Jaeger", e);
        }
    }
}
