package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.UpstreamFailureTypes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/**
 * Classifies a failure from the exception types in its cause chain, through the table the agent uses too
 * ({@link UpstreamFailureTypes}, compiled into this jar from the agent's bootstrap part): matched by class
 * name (the class itself and its superclasses) so that no HTTP client library has to be on the class path.
 * Thread-safe.
 *
 * <p>A host name that could not be resolved wins wherever it sits in the chain; otherwise the outermost
 * exception of a known type decides the kind (so Apache's {@code ConnectTimeoutException} stays a connect
 * failure even though it wraps a {@code SocketTimeoutException}). Wrappers that prove an upstream call
 * failed without saying how (Spring's {@code ResourceAccessException}, names from {@code
 * upstream-exceptions}) make the failure an upstream one of kind {@link UpstreamFailureKind#OTHER} unless a
 * known type lies beneath them. Dependency, address and attempts stay unknown: exception messages are not
 * parsed for them.
 */
final class ExceptionChainClassifier implements UpstreamFailureClassifier {

    /** Types that prove an upstream call failed, without saying how. */
    private static final Set<String> UPSTREAM_WRAPPERS = Set.of(
            "org.springframework.web.client.ResourceAccessException",
            "org.springframework.web.reactive.function.client.WebClientRequestException");

    /**
     * JAX-RS clients also use {@code ProcessingException} for entity mapping bugs, so it only counts when an
     * {@code IOException} lies beneath it.
     */
    private static final Set<String> IO_WRAPPERS =
            Set.of("jakarta.ws.rs.ProcessingException", "javax.ws.rs.ProcessingException");

    private static final Set<String> IO_EXCEPTION = Set.of("java.io.IOException");

    private final Set<String> extraUpstreamTypes;

    /** @param extraUpstreamTypes class names that count as upstream failures (the {@code upstream-exceptions}) */
    ExceptionChainClassifier(Set<String> extraUpstreamTypes) {
        this.extraUpstreamTypes = Set.copyOf(extraUpstreamTypes);
    }

    @Override
    public UpstreamFailure classify(Throwable failure, HttpServletRequest request) {
        Throwable known = UpstreamFailureTypes.find(failure);
        if (known != null) {
            return UpstreamFailure.fromException(knownKind(known), known);
        }
        Throwable wrapper = null;
        boolean ioWrapperSeen = false;
        for (Throwable t : CauseChain.of(failure)) {
            if (CauseChain.isA(t, UPSTREAM_WRAPPERS) || CauseChain.isA(t, extraUpstreamTypes)) {
                wrapper = t;
                break;
            } else if (ioWrapperSeen && CauseChain.isA(t, IO_EXCEPTION)) {
                wrapper = t;
                break;
            }
            ioWrapperSeen |= CauseChain.isA(t, IO_WRAPPERS);
        }
        return wrapper == null ? null : UpstreamFailure.fromException(UpstreamFailureKind.OTHER, wrapper);
    }

    /** The kind {@code t} itself shows, per the shared table; or null. */
    static UpstreamFailureKind knownKind(Throwable t) {
        UpstreamFailureKind rejected = Rejections.kindOf(t); // before ConnectException, which it extends
        if (rejected != null) {
            return rejected;
        }
        String kind = UpstreamFailureTypes.kindOf(t);
        return kind == null ? null : UpstreamFailureKind.fromValue(kind);
    }
}
