package dev.upstreamguard.webapp;

/**
 * The application's own exception for a bad upstream answer: nothing in its type or message says
 * "upstream", so only the agent's record of the call tells the filter that an upstream failed.
 */
public class UpstreamStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UpstreamStatusException(int status) {
        super("the stock service answered " + status);
    }
}
