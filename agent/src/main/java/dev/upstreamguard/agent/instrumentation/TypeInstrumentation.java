package dev.upstreamguard.agent.instrumentation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * One type an {@link InstrumentationModule} transforms, by name: the advice applied to its methods, and
 * (for a third-party client's builder) the {@link BuilderHook} its advice calls. Types are matched by
 * name only, so that the installer can turn every other class away by its name, without ByteBuddy
 * parsing any class file. Built once at start-up; not thread-safe while built, immutable in use.
 */
public final class TypeInstrumentation {

    /** One advice class and the methods it is applied to. */
    public static final class MethodAdvice {
        private final ElementMatcher<? super MethodDescription> methods;
        private final String adviceClass;

        MethodAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClass) {
            this.methods = methods;
            this.adviceClass = adviceClass;
        }

        public ElementMatcher<? super MethodDescription> methods() {
            return methods;
        }

        /** The advice class's binary name, found in the agent's class loader. */
        public String adviceClass() {
            return adviceClass;
        }
    }

    private final Set<String> typeNames;
    private final List<MethodAdvice> advice = new ArrayList<>();
    private String builderHook;

    private TypeInstrumentation(Set<String> typeNames) {
        this.typeNames = typeNames;
    }

    /** The type of exactly this name (matched by name, so no library class is loaded). */
    public static TypeInstrumentation named(String typeName) {
        return new TypeInstrumentation(Set.of(typeName));
    }

    /** The types of these names, given the same advice (for example a protocol handler per scheme). */
    public static TypeInstrumentation namedOneOf(String... typeNames) {
        return new TypeInstrumentation(Set.of(typeNames));
    }

    /**
     * Applies {@code adviceClass} (a class of JDK types and the bridge only, so that naming it here loads
     * no library type) to the methods {@code methods} matches.
     */
    public TypeInstrumentation advise(ElementMatcher<? super MethodDescription> methods, Class<?> adviceClass) {
        advice.add(new MethodAdvice(methods, adviceClass.getName()));
        return this;
    }

    /**
     * Names the {@link BuilderHook} (a class of the module's own package) that this type's advice reaches
     * through {@code LibraryHooks.onBuild(anchor, ...)}, where the anchor is this type. Only for a type
     * matched {@link #named} with one name.
     */
    public TypeInstrumentation builderHook(String hookClass) {
        if (typeNames.size() != 1) {
            throw new IllegalStateException("a builder hook needs exactly one type name, not " + typeNames);
        }
        this.builderHook = hookClass;
        return this;
    }

    public ElementMatcher<? super TypeDescription> type() {
        return ElementMatchers.namedOneOf(typeNames.toArray(new String[0]));
    }

    /** The names of the types this instruments. */
    public Set<String> typeNames() {
        return typeNames;
    }

    public List<MethodAdvice> advice() {
        return Collections.unmodifiableList(advice);
    }

    /** The builder hook's class name, or {@code null}. */
    public String builderHook() {
        return builderHook;
    }
}
