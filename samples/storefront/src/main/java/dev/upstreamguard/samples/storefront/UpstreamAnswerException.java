package dev.upstreamguard.samples.storefront;

/**
 * The storefront's own exception for an upstream that answered something other than success, as
 * applications usually have one. With the agent attached, the filter knows that a guarded call on
 * the request failed and answers 502 for it; without the filter it becomes the container's 500.
 */
public class UpstreamAnswerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UpstreamAnswerException(String dependency, int status) {
        super(dependency + " answered " + status);
    }
}
