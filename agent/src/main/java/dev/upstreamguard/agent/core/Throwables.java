package dev.upstreamguard.agent.core;

/** Hands a client's own throwable back to the application unchanged, whatever its checked type. */
public final class Throwables {

    private Throwables() {}

    /**
     * Throws {@code t} as it is. Adapters use it for what {@link CallGuard#execute} rethrows: it is what
     * the client itself threw from a method that declares it, so the caller can catch it as before.
     */
    public static RuntimeException rethrow(Throwable t) {
        throw Throwables.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
