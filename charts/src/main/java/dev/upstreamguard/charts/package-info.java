/**
 * Charts of measured runs, written as SVG and PNG: the demo's phases ({@link
 * dev.upstreamguard.charts.PhaseChart}), the benchmarks' overheads ({@link
 * dev.upstreamguard.charts.BenchmarkCharts}) and latency over time with events marked ({@link
 * dev.upstreamguard.charts.LatencyTimeline}, with its CSV reader). Every figure drawn is one a run
 * measured; nothing here estimates or fills in.
 */
package dev.upstreamguard.charts;
