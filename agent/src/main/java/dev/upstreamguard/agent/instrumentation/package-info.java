/**
 * One package per instrumented client library, each a thin adapter: advice that hands the call to the
 * bridge, and an {@link dev.upstreamguard.agent.core.Exchange} that maps the client's request,
 * response and exceptions to the engine's neutral model.
 */
package dev.upstreamguard.agent.instrumentation;
