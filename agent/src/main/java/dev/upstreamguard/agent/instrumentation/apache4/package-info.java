/**
 * Apache HttpClient 4.5.x: as a client is built, the agent wraps the protocol exec chain
 * ({@code HttpClientBuilder.decorateProtocolExec}) in its own {@code ClientExecChain}, inside the
 * client's redirects; each attempt runs with the attempt's {@code RequestConfig}. In enforce mode the
 * client's own I/O retries ({@code disableAutomaticRetries}) are off.
 */
package dev.upstreamguard.agent.instrumentation.apache4;
