/**
 * {@code HttpURLConnection}: the {@code http}/{@code https} URL stream handlers hand the application a
 * guarded connection that records its settings, buffers the request body, and runs each attempt on a
 * fresh JDK connection; the JDK's own silent re-send ({@code failedOnce}) is turned off in enforce mode.
 */
package dev.upstreamguard.agent.instrumentation.urlconnection;
