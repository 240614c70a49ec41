/**
 * Installs the agent: the bootstrap part on the bootstrap class path, the hooks behind the bridge, and
 * one ByteBuddy {@code AgentBuilder} (retransformation, name-only ignore rules first, an error-logging listener),
 * and the OpenTelemetry SDK's start on first use.
 */
package dev.upstreamguard.agent.install;
