package dev.upstreamguard.agent.install;

import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The types the agent never instruments, decided from the name alone: every type whose name no
 * instrumentation module gives. ByteBuddy hands a type that is loading to the ignore rule first; asking
 * it for its name costs nothing, while any other property (modifiers, super types) makes ByteBuddy parse
 * the class file. So the JDK's, the libraries' and the application's own classes are turned away before
 * anything else is asked, and a module may instrument a JDK class without editing this class. Immutable
 * and thread-safe.
 */
final class IgnoredTypes extends ElementMatcher.Junction.AbstractBase<TypeDescription> {

    private final Set<String> instrumented;

    IgnoredTypes(Set<String> instrumented) {
        this.instrumented = Set.copyOf(instrumented);
    }

    @Override
    public boolean matches(TypeDescription type) {
        return !instrumented.contains(type.getName());
    }

    @Override
    public String toString() {
        return "notOneOf(" + instrumented + ")";
    }
}
