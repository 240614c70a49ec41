/**
 * OkHttp 4.x and 5.x: as a client is built, the agent puts its own application interceptor first
 * ({@link dev.upstreamguard.agent.instrumentation.okhttp.GuardInterceptor}), which runs each attempt
 * with {@code chain.proceed}; in enforce mode network interceptors stop OkHttp's own re-sends within an
 * attempt, while its fallback to a host name's next address on a failed connect is kept.
 * {@code execute} and {@code enqueue} both go through it.
 */
package dev.upstreamguard.agent.instrumentation.okhttp;
