package dev.upstreamguard.agent.core;

import dev.upstreamguard.bootstrap.Bridge;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own messages: one line on stderr, each distinct problem once, never a stack trace (the
 * host application's logs are not ours to fill). Thread-safe.
 */
public final class AgentLog {

    private static final String PREFIX = "[upstream-guard] ";
    private static final int MAX_KEYS = 512;
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private AgentLog() {}

    /** Prints a line unconditionally (configuration problems, start-up). */
    public static void info(String message) {
        System.err.println(PREFIX + message);
    }

    /** Prints a line the first time {@code key} is seen. */
    public static void warnOnce(String key, String message) {
        if (firstTime(key)) {
            System.err.println(PREFIX + message);
        }
    }

    /**
     * Records an internal error of the agent: counted always, printed once per {@code where} and
     * error type, with the exception's type and message but no stack trace.
     */
    public static void internalError(String where, Throwable error) {
        Bridge.recordError();
        if (firstTime(where + '|' + error.getClass().getName())) {
            System.err.println(PREFIX + "internal error in " + where + " ("
                    + error.getClass().getName()
                    + (error.getMessage() == null ? "" : ": " + oneLine(error.getMessage()))
                    + "); the call goes on unguarded. Please report this.");
        }
    }

    private static boolean firstTime(String key) {
        if (SEEN.size() >= MAX_KEYS) {
            return false;
        }
        return SEEN.add(key);
    }

    private static String oneLine(String s) {
        String flat = s.replace('\r', ' ').replace('\n', ' ');
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
