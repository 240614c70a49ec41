package dev.upstreamguard.filter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** The cause chain of an exception, outermost first, safe against cycles and absurd depths. */
final class CauseChain {
    private static final int MAX_DEPTH = 32;

    private CauseChain() {}

    static List<Throwable> of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>(4);
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Whether {@code t}'s class or one of its superclasses has one of {@code names}; no class is loaded. */
    static boolean isA(Throwable t, Set<String> names) {
        for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (names.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }
}
