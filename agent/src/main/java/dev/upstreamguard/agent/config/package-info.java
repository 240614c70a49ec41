/**
 * The agent's settings: read once at start-up from system properties, the environment and an optional
 * properties file, validated (a bad value is reported in one line and replaced by its default), and
 * turned into immutable policies, one per dependency.
 */
package dev.upstreamguard.agent.config;
