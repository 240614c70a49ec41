package dev.upstreamguard.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The three ways the same workload runs: the JVM arguments that differ, and nothing else. */
enum Variant {
    NONE("no agent"),
    UPSTREAM_GUARD("Upstream Guard"),
    OPENTELEMETRY("OpenTelemetry agent");

    final String label;

    Variant(String label) {
        this.label = label;
    }

    /**
     * The JVM arguments of this variant. The exporter settings are the same for every variant (and
     * ignored without an agent): traces go over OTLP http/protobuf to the launcher's receiver on
     * 127.0.0.1; metrics too when {@code metrics} (both agents' default), else their exporter is off; the
     * logs exporter is off (Upstream Guard exports none).
     */
    List<String> jvmArgs(Path ugAgent, Path otelAgent, String otlpEndpoint, int upstreamPort, boolean metrics) {
        List<String> args = new ArrayList<>();
        if (this == UPSTREAM_GUARD) {
            args.add("-javaagent:" + ugAgent.toAbsolutePath());
        } else if (this == OPENTELEMETRY) {
            args.add("-javaagent:" + otelAgent.toAbsolutePath());
        }
        args.add("-Dotel.service.name=bench");
        args.add("-Dotel.traces.exporter=otlp");
        args.add("-Dotel.exporter.otlp.protocol=http/protobuf");
        args.add("-Dotel.exporter.otlp.endpoint=" + otlpEndpoint);
        args.add("-Dotel.metrics.exporter=" + (metrics ? "otlp" : "none"));
        args.add("-Dotel.logs.exporter=none");
        args.add("-Dbench.upstream.port=" + upstreamPort);
        return args;
    }
}
