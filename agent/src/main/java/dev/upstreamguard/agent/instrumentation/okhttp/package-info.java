/**
 * OkHttp 4.x and 5.x: as a client is built, the agent puts its own application interceptor first
 * ({@link dev.upstreamguard.agent.instrumentation.okhttp.GuardInterceptor}), which runs each attempt
 * with {@code chain.proceed}; in enforce mode the client's own {@code retryOnConnectionFailure} is
 * turned off. {@code execute} and {@code enqueue} both go through it.
 */
package dev.upstreamguard.agent.instrumentation.okhttp;
