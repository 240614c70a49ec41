/**
 * Installs the agent: the bootstrap part on the bootstrap class path, the hooks behind the bridge, and
 * one ByteBuddy {@code AgentBuilder} (retransformation, explicit ignore rules, an error-logging listener).
 */
package dev.upstreamguard.agent.install;
