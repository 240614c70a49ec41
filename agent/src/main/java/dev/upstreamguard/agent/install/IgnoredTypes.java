package dev.upstreamguard.agent.install;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The types the agent never instruments, decided from the name alone: ByteBuddy hands a type that is
 * loading to the ignore rule first, and a name costs nothing, while any other property (modifiers,
 * super types) makes it parse the class file. Most classes a JVM loads are the JDK's, language runtimes'
 * and common libraries' without an HTTP client among them, so they are turned away before anything
 * else is asked. The types an instrumentation module names are let through by the installer
 * ({@link AgentInstaller#ignored}), so a module may instrument a JDK class without editing this list.
 * Stateless and thread-safe.
 */
final class IgnoredTypes extends ElementMatcher.Junction.AbstractBase<TypeDescription> {

    static final IgnoredTypes INSTANCE = new IgnoredTypes();

    /** Never instrumented: the agent itself, its ByteBuddy, the JDK, language runtimes, libraries without HTTP clients. */
    private static final String[] IGNORED = {
        "dev.upstreamguard.",
        "net.bytebuddy.",
        "java.",
        "javax.",
        "jdk.",
        "sun.",
        "com.sun.",
        "kotlin.",
        "kotlinx.",
        "scala.",
        "groovy.",
        "clojure.",
        "org.slf4j.",
        "ch.qos.logback.",
        "org.apache.logging.log4j.",
        "com.fasterxml.jackson.",
        "org.junit.",
        "org.assertj.",
        "org.gradle.",
        "org.apache.maven.",
    };

    private IgnoredTypes() {}

    @Override
    public boolean matches(TypeDescription type) {
        return ignored(type.getName());
    }

    static boolean ignored(String name) {
        for (String prefix : IGNORED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ignoredByName()";
    }
}
