/**
 * The one-command demo: a {@link dev.upstreamguard.samples.demo.ChaosUpstream} that can be healthy,
 * flaky, slow or down, the storefront run twice in child JVMs (without and with Upstream Guard), a
 * paced load per phase, a side-by-side table of what the callers saw and one failed request's trace
 * received over OTLP. Entry point: {@link dev.upstreamguard.samples.demo.DemoMain}.
 */
package dev.upstreamguard.samples.demo;
