/**
 * The cost of Upstream Guard next to no agent and the OpenTelemetry Java agent, measured side by side in
 * one session: JMH per-call benchmarks, start-up and memory probes, the failure path, and the launcher
 * that runs them alternately and prints the table published in {@code BENCHMARKS.md}.
 */
package dev.upstreamguard.benchmarks;
