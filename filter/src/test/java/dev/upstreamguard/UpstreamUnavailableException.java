package dev.upstreamguard;

import java.net.ConnectException;

/**
 * A stand-in for the agent's class of the same name (which the agent puts on the bootstrap class path):
 * the filter recognises it by name and reads {@code reason()} and {@code retryAfterSeconds()}.
 */
public class UpstreamUnavailableException extends ConnectException {
    private static final long serialVersionUID = 1L;
    private final String reason;
    private final long retryAfterMillis;

    public UpstreamUnavailableException(String reason, long retryAfterMillis) {
        super("upstream-guard: circuit open for dependency inventory; call rejected without being sent");
        this.reason = reason;
        this.retryAfterMillis = retryAfterMillis;
    }

    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
}
