/**
 * Shared test fixtures for Upstream Guard: a fault-injecting HTTP/1.1 upstream ({@link
 * dev.upstreamguard.testing.FaultyUpstream}), a listener on which connects hang ({@link
 * dev.upstreamguard.testing.ConnectHang}), an OTLP/HTTP trace receiver ({@link
 * dev.upstreamguard.testing.OtlpReceiver}), a child-JVM runner ({@link
 * dev.upstreamguard.testing.ChildJvm}) and a real Jaeger as a child process ({@link
 * dev.upstreamguard.testing.Jaeger}), read back through its query API.
 *
 * <p>Every fixture binds 127.0.0.1 only, runs on daemon threads and stops everything on {@code
 * close()}.
 */
package dev.upstreamguard.testing;
