package dev.upstreamguard.filter;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides whether an exception that escaped the filter chain stands for a failed upstream call, and what is
 * known about that call.
 *
 * <p>The filter consults a classifier given to {@link UpstreamGuardFilter#UpstreamGuardFilter(
 * UpstreamFailureClassifier)} first and falls back to its built-in classification of the exception's cause
 * chain. It never passes a downstream client abort to a classifier. Implementations must be thread-safe
 * and must not throw.
 */
@FunctionalInterface
public interface UpstreamFailureClassifier {

    /**
     * @param failure the exception that escaped the chain (or reached an {@code AsyncListener})
     * @param request the request being served
     * @return the upstream failure, or {@code null} when this classifier does not see one
     */
    UpstreamFailure classify(Throwable failure, HttpServletRequest request);
}
