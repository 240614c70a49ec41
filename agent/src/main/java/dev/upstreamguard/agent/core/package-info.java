/**
 * The client-independent engine: policy, attempt loop, failure classification, backoff, retry budget
 * and deadline. No ByteBuddy, no OpenTelemetry, no HTTP-client imports; time and randomness are
 * injected so that every decision can be tested exactly.
 */
package dev.upstreamguard.agent.core;
