/**
 * One package per instrumented client library, each a thin adapter: advice that hands the call to the
 * bridge, and an {@link dev.upstreamguard.agent.core.Exchange} that maps the client's request,
 * response and exceptions to the engine's neutral model. Each package describes itself with an
 * {@link dev.upstreamguard.agent.instrumentation.InstrumentationModule}, which the installer finds
 * through {@link java.util.ServiceLoader}.
 */
package dev.upstreamguard.agent.instrumentation;
