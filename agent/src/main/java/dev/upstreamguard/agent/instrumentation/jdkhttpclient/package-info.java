/**
 * {@code java.net.http.HttpClient}: {@code send} and {@code sendAsync} are taken over by the engine,
 * which re-enters them once per attempt; the builder gets the connect timeout; the client's own
 * silent re-send ({@code MultiExchange.retryOnFailure}) is turned off in enforce mode.
 */
package dev.upstreamguard.agent.instrumentation.jdkhttpclient;
