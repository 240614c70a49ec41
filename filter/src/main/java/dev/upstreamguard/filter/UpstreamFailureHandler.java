package dev.upstreamguard.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides what a failure that escaped the chain is, once per request, and acts on it: an upstream failure
 * is recorded on the span, logged once and, while the response is not committed, answered with a {@link
 * ProblemResponse}; anything else is left to the container. Thread-safe.
 */
final class UpstreamFailureHandler {
    private static final Logger LOGGER = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);

    private final FilterSettings settings;
    private final UpstreamFailureClassifier preferred;
    private final UpstreamFailureClassifier exceptionChain;
    private final AtomicBoolean preferredFailureLogged = new AtomicBoolean();

    /**
     * @param preferred a classifier consulted before the exception chain, or {@code null}
     */
    UpstreamFailureHandler(FilterSettings settings, UpstreamFailureClassifier preferred) {
        this.settings = settings;
        this.preferred = preferred;
        this.exceptionChain = new ExceptionChainClassifier(settings.upstreamExceptions());
    }

    /**
     * @return {@code true} when the failure was answered with a problem response, so it must not be rethrown;
     *     {@code false} when the caller must let it go on (not an upstream failure, already decided, or the
     *     response was committed)
     */
    boolean handle(GuardedRequest guarded, Throwable failure) {
        if (!guarded.claimDecision() || ClientAbort.isClientAbort(failure)) {
            return false;
        }
        try {
            return decideAndAnswer(guarded, failure);
        } catch (RuntimeException | Error handlerFailure) {
            // Our own failure must not replace the application's: it goes on, carrying ours as suppressed.
            if (handlerFailure != failure) {
                failure.addSuppressed(handlerFailure);
            }
            return false;
        }
    }

    private boolean decideAndAnswer(GuardedRequest guarded, Throwable failure) {
        HttpServletRequest request = guarded.request();
        RequestTrace span = guarded.span();
        // The rules of docs/filter.md, "What counts as an upstream failure", strongest evidence first.
        UpstreamFailure upstream = AgentFailures.delivered(span, failure);
        if (upstream == null) {
            upstream = classify(failure, request);
        }
        if (upstream == null) {
            upstream = AgentFailures.answeredRightBefore(span, failure);
        }
        if (upstream == null) {
            span.recordApplicationError(failure);
            return false;
        }
        int status = settings.statusFor(upstream.kind());
        HttpServletResponse response = guarded.response();
        // Record and log before answering, so both exist by the time the client sees the answer.
        int answering = response.isCommitted() ? 0 : status;
        span.recordUpstreamFailure(upstream, answering);
        long retryAfterSeconds = -1;
        if (Rejections.isRejection(upstream.kind())) {
            Object scope = span.agentScope();
            retryAfterSeconds = Rejections.retryAfterSeconds(
                    failure,
                    scope == null || span.agent() == null ? null : span.agent().lastFailure(scope));
            Rejections.log(upstream, guarded.method(), guarded.path(), span.traceId(), answering, System.nanoTime());
        } else {
            UpstreamFailureLog.log(upstream, failure, guarded.method(), guarded.path(), span.traceId(), answering);
        }
        return answering > 0 && answer(response, request, guarded.path(), upstream, status, span, retryAfterSeconds);
    }

    private UpstreamFailure classify(Throwable failure, HttpServletRequest request) {
        if (preferred != null) {
            try {
                UpstreamFailure upstream = preferred.classify(failure, request);
                if (upstream != null) {
                    return upstream;
                }
            } catch (RuntimeException e) {
                if (preferredFailureLogged.compareAndSet(false, true)) {
                    LOGGER.log(
                            Level.WARNING,
                            "Upstream failure classifier "
                                    + preferred.getClass().getName()
                                    + " failed; using the exception chain alone (logged once)",
                            e);
                }
            }
        }
        return exceptionChain.classify(failure, request);
    }

    /** @return false if the response was committed in the meantime, so the failure must be rethrown */
    private boolean answer(
            HttpServletResponse response,
            HttpServletRequest request,
            String path,
            UpstreamFailure upstream,
            int status,
            RequestTrace span,
            long retryAfterSeconds) {
        ProblemResponse problem =
                ProblemResponse.of(status, upstream, settings.exposeDependency(), path, span.traceId());
        boolean html = AcceptHeader.parse(request.getHeaders("Accept")).prefersHtml();
        try {
            ProblemResponseWriter.write(problem, response, html, span.traceResponse(), retryAfterSeconds);
            return true;
        } catch (IllegalStateException committedMeanwhile) {
            return false;
        } catch (IOException clientGone) {
            // The client left while we answered: the failure is handled, there is nobody to tell.
            LOGGER.log(Level.FINE, "Could not write the problem response: the client went away", clientGone);
            return true;
        }
    }
}
