package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.CallRecordKeys;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What the agent recorded about the request's guarded calls, as an {@link UpstreamFailure}, for the two
 * rules that need it (see docs/filter.md, "What counts as an upstream failure"):
 *
 * <ul>
 *   <li>{@link #delivered}: the escaping exception's cause chain holds, by identity, the exception a failed
 *       guarded call handed to the application;
 *   <li>{@link #answeredRightBefore}: the application turned a failed call's answer into its own exception
 *       right after it: that call is the last guarded call of the request to end (no later one succeeded)
 *       and the exception's cause chain holds no plain programming error.
 * </ul>
 */
final class AgentFailures {
    private AgentFailures() {}

    /** The failed guarded call whose exception the escaping one holds (by identity); null without the agent. */
    static UpstreamFailure delivered(RequestTrace span, Throwable escaped) {
        Object scope = span.agentScope();
        AgentLink agent = span.agent();
        if (scope == null || agent == null) {
            return null;
        }
        Map<String, Object> call = agent.failureDelivering(scope, escaped);
        if (call == null) {
            return null;
        }
        Object exception = call.get(CallRecordKeys.EXCEPTION);
        return toFailure(
                call,
                exception instanceof String
                        ? (String) exception
                        : escaped.getClass().getName());
    }

    /**
     * The request's last guarded call, when it failed and {@code escaped} is not a plain programming error:
     * the application most likely turned that call's bad answer into its own exception. Null otherwise, and
     * without the agent.
     */
    static UpstreamFailure answeredRightBefore(RequestTrace span, Throwable escaped) {
        Object scope = span.agentScope();
        AgentLink agent = span.agent();
        if (scope == null || agent == null || holdsProgrammingError(escaped)) {
            return null;
        }
        Map<String, Object> call = agent.lastCall(scope);
        return call == null || !call.containsKey(CallRecordKeys.FAILURE)
                ? null
                : toFailure(call, escaped.getClass().getName());
    }

    /**
     * Whether the cause chain holds a plain programming error: a JDK exception that reports a misuse of the
     * language or its libraries, or any {@link Error}. An application's own exception for a bad answer is
     * none of these. {@link IllegalStateException} is not one either: applications often throw it for an
     * upstream that answered badly.
     */
    static boolean holdsProgrammingError(Throwable escaped) {
        for (Throwable t : CauseChain.of(escaped)) {
            if (t instanceof NullPointerException
                    || t instanceof IllegalArgumentException
                    || t instanceof ClassCastException
                    || t instanceof IndexOutOfBoundsException
                    || t instanceof ArrayStoreException
                    || t instanceof ArithmeticException
                    || t instanceof NegativeArraySizeException
                    || t instanceof UnsupportedOperationException
                    || t instanceof IllegalMonitorStateException
                    || t instanceof ConcurrentModificationException
                    || t instanceof NoSuchElementException
                    || t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    private static UpstreamFailure toFailure(Map<String, Object> call, String exceptionType) {
        UpstreamFailureKind kind = UpstreamFailureKind.fromValue(String.valueOf(call.get(CallRecordKeys.FAILURE)));
        if (kind == null) {
            return null;
        }
        boolean named = Boolean.TRUE.equals(call.get(CallRecordKeys.NAMED));
        String dependency = named ? (String) call.get(CallRecordKeys.DEPENDENCY) : null;
        Object attempts = call.get(CallRecordKeys.ATTEMPTS);
        return new UpstreamFailure(
                kind,
                dependency,
                (String) call.get(CallRecordKeys.ADDRESS),
                attempts instanceof Integer ? (Integer) attempts : 0,
                exceptionType);
    }
}
