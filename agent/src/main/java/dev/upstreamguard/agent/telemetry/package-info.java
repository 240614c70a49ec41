/**
 * OpenTelemetry wiring: the SDK set up through its own autoconfiguration, one CLIENT span per attempt
 * with the HTTP semantic-convention attributes, and URL redaction. Everything OpenTelemetry is shaded.
 */
package dev.upstreamguard.agent.telemetry;
