package dev.upstreamguard.samples.demo;

import dev.upstreamguard.samples.storefront.StorefrontApp;
import dev.upstreamguard.testing.ChildJvm;
import dev.upstreamguard.testing.OtlpReceiver;
import dev.upstreamguard.testing.ReceivedSpan;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One demo run: starts the chaos upstreams, an OTLP receiver and the storefront twice (without
 * Upstream Guard, and with the agent and the filter), drives the same paced traffic through both in
 * each phase, prints what the callers saw side by side and one failed request's trace, and stops
 * everything it started. Every number it prints is measured in the run.
 */
public final class Demo implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration TRACE_WAIT = Duration.ofSeconds(5);
    private static final int WARM_UP_REQUESTS = 5;

    private final DemoSettings settings;
    private final PrintStream out;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final DemoJaeger jaeger;
    private List<ReceivedSpan> jaegerTrace = List.of();

    public Demo(DemoSettings settings, PrintStream out) {
        this(settings, out, null);
    }

    /** A demo that also reads the failed request's trace back from {@code jaeger} (stopped with the demo). */
    Demo(DemoSettings settings, PrintStream out, DemoJaeger jaeger) {
        this.settings = settings;
        this.out = out;
        this.jaeger = jaeger == null ? null : remember(jaeger);
    }

    /** The failed request's trace as Jaeger's query API returned it: empty without {@code --jaeger}. */
    List<ReceivedSpan> jaegerTrace() {
        return jaegerTrace;
    }

    /** Runs the demo to the end; {@link #close()} (or the caller's try-with-resources) stops everything. */
    public DemoReport run() throws InterruptedException {
        long begin = System.nanoTime();
        if (!Files.isRegularFile(settings.agentJar())) {
            throw new IllegalStateException("the agent jar is missing: " + settings.agentJar()
                    + " (build it first: mvn -B -q package -DskipTests)");
        }
        OtlpReceiver receiver = remember(OtlpReceiver.start());
        String otlpEndpoint = receiver.endpoint();
        if (settings.jaeger() != null) {
            OtlpForwarder forwarder = remember(OtlpForwarder.start(List.of(receiver.endpoint(), settings.jaeger())));
            otlpEndpoint = forwarder.endpoint();
        }

        Side plain = new Side(false);
        Side guarded = new Side(true);
        out.println("Starting: chaos upstreams (inventory, pricing, payments) for each storefront, "
                + "an OTLP receiver on " + receiver.endpoint() + ",");
        out.println("          the storefront without Upstream Guard, and the storefront with "
                + "-javaagent:" + settings.agentJar().getFileName() + " and the filter in web.xml ("
                + String.join(" ", DemoSettings.AGENT_SETTINGS) + ")");
        ChildJvm.Running plainJvm = remember(plain.storefront(null).start());
        ChildJvm.Running guardedJvm = remember(guarded.storefront(otlpEndpoint).start());
        plain.baseUrl = listeningUrl(plainJvm);
        guarded.baseUrl = listeningUrl(guardedJvm);
        out.printf(
                Locale.ROOT,
                "Both storefronts up (%s and %s) after %.1f s%n",
                plain.baseUrl,
                guarded.baseUrl,
                seconds(begin));

        List<PhaseResult> plainResults = new ArrayList<>();
        List<PhaseResult> guardedResults = new ArrayList<>();
        try (LoadDriver load = new LoadDriver(settings.callerTimeout())) {
            load.run(List.of(plain.baseUrl, guarded.baseUrl), WARM_UP_REQUESTS, 50, n -> {});
            out.printf(
                    Locale.ROOT,
                    "%nEach phase: %d requests GET /product/{id} to each storefront, "
                            + "%d a second; callers give up after %d s.%n",
                    settings.requestsPerPhase(),
                    settings.ratePerSecond(),
                    settings.callerTimeout().toSeconds());
            int number = 0;
            for (ChaosMode mode : DemoSettings.PHASES) {
                number++;
                plain.mode(mode);
                guarded.mode(mode);
                out.printf(
                        Locale.ROOT,
                        "  [%d/%d] %-8s inventory and pricing %s ",
                        number,
                        DemoSettings.PHASES.size(),
                        mode.label(),
                        mode.description());
                out.flush();
                long phaseBegin = System.nanoTime();
                int dotEvery = Math.max(1, settings.requestsPerPhase() / 12);
                List<List<CallerResult>> calls = load.run(
                        List.of(plain.baseUrl, guarded.baseUrl),
                        settings.requestsPerPhase(),
                        settings.ratePerSecond(),
                        sent -> {
                            if (sent % dotEvery == 0) {
                                out.print('.');
                                out.flush();
                            }
                        });
                plainResults.add(new PhaseResult(mode, false, calls.get(0), plain.attemptsSinceMark()));
                guardedResults.add(new PhaseResult(mode, true, calls.get(1), guarded.attemptsSinceMark()));
                out.printf(Locale.ROOT, " %.1f s%n", seconds(phaseBegin));
                if (mode == ChaosMode.DOWN) {
                    out.println(
                            "  The guarded storefront's health answer and its agent's metrics after the down phase:");
                    out.print(DemoHealth.report(guarded.baseUrl, receiver));
                }
            }
        }
        out.println();
        out.print(table(plainResults, guardedResults));

        CallerResult failed = pickFailure(guardedResults);
        String traceId = failed == null ? null : failed.traceId();
        List<ReceivedSpan> trace = List.of();
        String jaegerLink = null;
        out.println();
        if (traceId == null) {
            out.println("No failed request of the guarded storefront carried a trace id.");
        } else {
            trace = awaitTrace(receiver, traceId);
            out.println("One failed request of the guarded storefront, as its caller saw it:");
            out.println("  " + failed.status() + " " + failed.contentType() + "  " + failed.body());
            out.println("and its trace, received over OTLP (/v1/traces, protobuf) as Jaeger would receive it:");
            out.print(indent(new TraceTree(trace, settings.colour()).render()));
            if (jaeger != null) {
                jaegerLink = readBackFromJaeger(traceId, trace);
            } else if (settings.jaeger() != null) {
                jaegerLink = "http://localhost:16686/trace/" + traceId;
                out.println("In Jaeger: " + jaegerLink);
            } else {
                out.println("No Jaeger on localhost:4318. To see the traces in Jaeger, start one and run the "
                        + "demo again:");
                out.println("  docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one");
            }
        }
        List<ReceivedSpan> rejectedTrace = List.of();
        CallerResult rejected = pickRejection(guardedResults);
        if (rejected != null) {
            rejectedTrace = awaitTrace(receiver, rejected.traceId());
            out.println();
            out.println("Once a dependency's circuit breaker is open, the guarded storefront answers at once, "
                    + "without calling it (" + rejected.millis() + " ms):");
            out.println("  " + rejected.status() + " " + rejected.contentType() + "  " + rejected.body());
            out.print(indent(new TraceTree(rejectedTrace, settings.colour()).render()));
        }
        out.println();
        out.print(conclusions(plainResults, guardedResults));
        out.print(DemoChart.write(settings, plainResults, guardedResults));
        out.printf(Locale.ROOT, "Demo finished in %.1f s.%n", seconds(begin));
        return new DemoReport(plainResults, guardedResults, traceId, trace, jaegerLink, rejectedTrace);
    }

    /** Prints the trace as Jaeger returns it and whether it agrees with the receiver's; returns the API link. */
    private String readBackFromJaeger(String traceId, List<ReceivedSpan> received) throws InterruptedException {
        jaegerTrace = jaeger.awaitTrace(traceId, received.size(), TRACE_WAIT.multipliedBy(2));
        out.println("and as Jaeger's query API returns it, " + jaeger.apiLink(traceId) + " :");
        out.print(indent(new TraceTree(jaegerTrace, settings.colour()).render()));
        String difference = DemoJaeger.difference(received, jaegerTrace);
        out.println(
                difference == null
                        ? "Jaeger and the receiver agree: " + received.size() + " spans, the same ids, parents, kinds, "
                                + "names, statuses, services and failure attributes."
                        : "Jaeger and the receiver DIFFER: " + difference);
        if (jaeger.uiLink(traceId) != null) {
            out.println("In Jaeger's web UI: " + jaeger.uiLink(traceId));
        }
        return jaeger.apiLink(traceId);
    }

    /** Stops the storefronts, the upstreams and the receivers, last started first. Idempotent. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // stopping everything anyway
            }
        }
        started.clear();
    }

    private synchronized <T extends AutoCloseable> T remember(T resource) {
        started.add(resource);
        return resource;
    }

    private static String listeningUrl(ChildJvm.Running jvm) {
        String line = jvm.awaitOutputLine(l -> l.startsWith(StorefrontApp.LISTENING), STARTUP);
        return line.substring(StorefrontApp.LISTENING.length()).split(" ")[0];
    }

    /** A failure with a trace id: from the flaky phase if any (it shows retries), else any. */
    private static CallerResult pickFailure(List<PhaseResult> guarded) {
        List<PhaseResult> order = new ArrayList<>(guarded);
        order.sort((a, b) -> Boolean.compare(b.mode() == ChaosMode.FLAKY, a.mode() == ChaosMode.FLAKY));
        for (PhaseResult phase : order) {
            for (CallerResult call : phase.failures()) {
                if (call.traceId() != null) {
                    return call;
                }
            }
        }
        return null;
    }

    /** The last 503 of the slow or down phases with a trace id: a call the open breaker rejected. */
    private static CallerResult pickRejection(List<PhaseResult> guarded) {
        CallerResult last = null;
        for (PhaseResult phase : guarded) {
            for (CallerResult call : phase.failures()) {
                if (call.status() == 503 && call.traceId() != null) {
                    last = call;
                }
            }
        }
        return last;
    }

    /** The trace's spans once its server span arrived and nothing more came for a moment. */
    private static List<ReceivedSpan> awaitTrace(OtlpReceiver receiver, String traceId) throws InterruptedException {
        long deadline = System.nanoTime() + TRACE_WAIT.toNanos();
        List<ReceivedSpan> spans = List.of();
        int stableFor = 0;
        while (System.nanoTime() < deadline) {
            List<ReceivedSpan> now = receiver.spans().stream()
                    .filter(span -> span.traceId().equals(traceId))
                    .toList();
            boolean hasServer = now.stream().anyMatch(span -> span.kind().equals("SERVER"));
            stableFor = now.size() == spans.size() && hasServer ? stableFor + 1 : 0;
            spans = now;
            if (stableFor >= 3) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return spans;
    }

    static String table(List<PhaseResult> plain, List<PhaseResult> guarded) {
        StringBuilder text = new StringBuilder();
        String format = "%-9s %-11s %8s  %-26s %8s %8s  %9s%n";
        text.append(String.format(
                Locale.ROOT,
                format,
                "phase",
                "storefront",
                "success",
                "what the callers got",
                "p50",
                "p99",
                "upstream"));
        text.append(String.format(Locale.ROOT, format, "", "", "", "", "", "", "attempts"));
        for (int i = 0; i < plain.size(); i++) {
            for (PhaseResult result : List.of(plain.get(i), guarded.get(i))) {
                text.append(String.format(
                        Locale.ROOT,
                        format,
                        result.guarded() ? "" : result.mode().label(),
                        result.guarded() ? "guarded" : "unguarded",
                        String.format(Locale.ROOT, "%.0f%%", result.successPercent()),
                        outcomes(result.outcomes()),
                        millis(result.percentileMillis(50)),
                        millis(result.percentileMillis(99)),
                        result.mode() == ChaosMode.DOWN && result.upstreamAttempts() == 0
                                ? "0 (refused)"
                                : Integer.toString(result.upstreamAttempts())));
            }
        }
        return text.toString();
    }

    static String conclusions(List<PhaseResult> plain, List<PhaseResult> guarded) {
        StringBuilder text = new StringBuilder("Measured in this run:\n");
        for (int i = 0; i < plain.size(); i++) {
            PhaseResult p = plain.get(i);
            PhaseResult g = guarded.get(i);
            long clean = g.failures().stream()
                    .filter(call -> call.status() >= 502 && call.status() <= 504 && call.traceId() != null)
                    .count();
            text.append(String.format(
                    Locale.ROOT,
                    "  %-8s callers got a success %.0f%% of the time " + "with Upstream Guard, %.0f%% without",
                    p.mode().label() + ":",
                    g.successPercent(),
                    p.successPercent()));
            if (!g.failures().isEmpty()) {
                text.append(String.format(
                        Locale.ROOT,
                        "; %d of the %d guarded failures were clean "
                                + "502/503/504 problem+json answers with a trace id",
                        clean,
                        g.failures().size()));
                long open = g.failures().stream()
                        .filter(call -> call.status() == 503)
                        .count();
                if (open > 0) {
                    text.append(
                            String.format(Locale.ROOT, ", %d of them fast 503s from an open circuit breaker", open));
                }
            }
            if (!p.failures().isEmpty()) {
                text.append("; unguarded failures: ").append(outcomes(failureOutcomes(p)));
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static Map<String, Integer> failureOutcomes(PhaseResult result) {
        return result.failures().stream()
                .collect(Collectors.toMap(CallerResult::outcome, call -> 1, Integer::sum, java.util.TreeMap::new));
    }

    private static String outcomes(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private static String millis(long ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms + " ms";
    }

    private static String indent(String text) {
        return text.lines().map(line -> "  " + line).collect(Collectors.joining("\n", "", "\n"));
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** One storefront and its own three upstreams. */
    private final class Side {
        final boolean guarded;
        final ChaosUpstream inventory;
        final ChaosUpstream pricing;
        final ChaosUpstream payments;
        String baseUrl;

        Side(boolean guarded) {
            this.guarded = guarded;
            // The same seeds on both sides: both storefronts meet the same flaky sequence.
            this.inventory = remember(ChaosUpstream.start("inventory", "7", 1));
            this.pricing = remember(ChaosUpstream.start("pricing", "19.90", 2));
            this.payments = remember(ChaosUpstream.start("payments", "paid", 3));
        }

        ChildJvm storefront(String otlpEndpoint) {
            ChildJvm jvm = ChildJvm.java()
                    .jvmArg("-Xmx256m")
                    .sysProp("storefront.port", "0")
                    .sysProp("storefront.inventory.url", inventory.baseUrl())
                    .sysProp("storefront.pricing.url", pricing.baseUrl())
                    .sysProp("storefront.payments.url", payments.baseUrl());
            if (!guarded) {
                return jvm.mainClass(StorefrontApp.class.getName(), "--unguarded");
            }
            jvm.javaagent(settings.agentJar().toAbsolutePath())
                    .sysProp(
                            "upstreamguard.dependencies",
                            "inventory=" + inventory.hostPort() + ",pricing=" + pricing.hostPort() + ",payments="
                                    + payments.hostPort())
                    .sysProp("otel.service.name", "storefront")
                    .sysProp("otel.exporter.otlp.endpoint", otlpEndpoint)
                    .sysProp("otel.bsp.schedule.delay", "100")
                    .sysProp("otel.metric.export.interval", "1000")
                    .sysProp("otel.logs.exporter", "none");
            for (String setting : DemoSettings.AGENT_SETTINGS) {
                int eq = setting.indexOf('=');
                jvm.sysProp(setting.substring(0, eq), setting.substring(eq + 1));
            }
            return jvm.mainClass(StorefrontApp.class.getName());
        }

        void mode(ChaosMode mode) {
            for (ChaosUpstream upstream : List.of(inventory, pricing)) {
                upstream.mode(mode);
                upstream.mark();
            }
        }

        int attemptsSinceMark() {
            return inventory.attemptsSinceMark() + pricing.attemptsSinceMark();
        }
    }
}
