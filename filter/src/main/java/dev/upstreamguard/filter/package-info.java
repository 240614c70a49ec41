/**
 * The Upstream Guard servlet filter: it turns an unhandled failure of an upstream service into a clean
 * {@code 502}/{@code 504} {@code application/problem+json} response and records which dependency failed
 * on an OpenTelemetry SERVER span.
 *
 * <p>The entry point is {@link dev.upstreamguard.filter.UpstreamGuardFilter}; {@link
 * dev.upstreamguard.filter.UpstreamFailureClassifier} is the seam through which a more precise source (the
 * Upstream Guard agent) can say what failed.
 */
package dev.upstreamguard.filter;
