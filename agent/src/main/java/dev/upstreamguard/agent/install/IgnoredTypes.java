package dev.upstreamguard.agent.install;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The types the agent never instruments, decided from the name alone: ByteBuddy hands a type that is
 * loading to the ignore rule first, and a name costs nothing, while any other property (modifiers,
 * super types) makes it parse the class file. Most classes a JVM loads are the JDK's, language runtimes'
 * and common libraries' without an HTTP client among them, so they are turned away before anything
 * else is asked. The JDK packages the agent does instrument are let through.
 *
 * <p>A new instrumentation of a class under one of these prefixes must add its package to {@link
 * #INSTRUMENTED}. Stateless and thread-safe.
 */
final class IgnoredTypes extends ElementMatcher.Junction.AbstractBase<TypeDescription> {

    static final IgnoredTypes INSTANCE = new IgnoredTypes();

    /** Never instrumented: the agent itself, its ByteBuddy, the JDK, language runtimes, libraries without HTTP clients. */
    private static final String[] IGNORED = {
        "dev.upstreamguard.", "net.bytebuddy.",
        "java.", "javax.", "jdk.", "sun.", "com.sun.",
        "kotlin.", "kotlinx.", "scala.", "groovy.", "clojure.",
        "org.slf4j.", "ch.qos.logback.", "org.apache.logging.log4j.", "com.fasterxml.jackson.",
        "org.junit.", "org.assertj.", "org.gradle.", "org.apache.maven.",
    };

    /** Packages under an ignored prefix whose classes are instrumented (the JDK's two HTTP clients). */
    private static final String[] INSTRUMENTED = {
        "jdk.internal.net.http.", "sun.net.www.",
    };

    private IgnoredTypes() {}

    @Override
    public boolean matches(TypeDescription type) {
        return ignored(type.getName());
    }

    static boolean ignored(String name) {
        for (String prefix : IGNORED) {
            if (name.startsWith(prefix)) {
                for (String allowed : INSTRUMENTED) {
                    if (name.startsWith(allowed)) {
                        return false;
                    }
                }
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
