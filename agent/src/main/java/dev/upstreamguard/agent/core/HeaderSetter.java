package dev.upstreamguard.agent.core;

/**
 * How an adapter writes one header onto its client's request (the carrier), like OpenTelemetry's
 * {@code TextMapSetter}: the engine decides which headers an attempt carries and writes them through
 * {@link Attempt#writeHeaders}; the adapter only knows how to set one. Implementations are stateless
 * constants, so the hot path allocates none.
 *
 * @param <C> the client's request, or its builder
 */
@FunctionalInterface
public interface HeaderSetter<C> {

    /** Sets {@code name} to {@code value} on {@code carrier}, replacing any value the request had for it. */
    void set(C carrier, String name, String value);
}
