/** Upstream Guard's java agent: timeouts, safe retries and OpenTelemetry spans for outgoing HTTP calls. */
package dev.upstreamguard.agent;
