/**
 * Apache HttpClient 5.x classic: as a client is built, the agent adds its exec-chain handler first
 * ({@code addExecInterceptorFirst}), outside the client's redirects and pool; each attempt proceeds
 * down the chain with the attempt's {@code RequestConfig}. In enforce mode the client's own retries
 * ({@code disableAutomaticRetries}) are off. Every {@code execute} overload goes through the chain.
 */
package dev.upstreamguard.agent.instrumentation.apache5;
