/**
 * A small storefront web application: {@code GET /product/{id}} asks {@code inventory} (with {@code
 * HttpURLConnection}) and {@code pricing} (with {@code java.net.http.HttpClient}); {@code POST
 * /checkout} asks {@code payments}. It is written the way applications usually are, without
 * timeouts or retries, so that the agent and the filter have something to add.
 */
package dev.upstreamguard.samples.storefront;
