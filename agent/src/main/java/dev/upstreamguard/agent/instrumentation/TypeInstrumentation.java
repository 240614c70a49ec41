package dev.upstreamguard.agent.instrumentation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * One type an {@link InstrumentationModule} transforms: its matcher, the advice applied to its methods,
 * and (for a third-party client's builder) the {@link BuilderHook} its advice calls. Built once at start-up;
 * not thread-safe while built, immutable in use.
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

    private final ElementMatcher<? super TypeDescription> type;
    private final String typeName;
    private final List<MethodAdvice> advice = new ArrayList<>();
    private String builderHook;

    private TypeInstrumentation(ElementMatcher<? super TypeDescription> type, String typeName) {
        this.type = type;
        this.typeName = typeName;
    }

    /** The type of exactly this name (the usual case: matched by name, so no library class is loaded). */
    public static TypeInstrumentation named(String typeName) {
        return new TypeInstrumentation(ElementMatchers.named(typeName), typeName);
    }

    /** Every type {@code matcher} matches. */
    public static TypeInstrumentation matching(ElementMatcher<? super TypeDescription> matcher) {
        return new TypeInstrumentation(matcher, null);
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
     * matched {@link #named}.
     */
    public TypeInstrumentation builderHook(String hookClass) {
        if (typeName == null) {
            throw new IllegalStateException("a builder hook needs a type matched by name");
        }
        this.builderHook = hookClass;
        return this;
    }

    public ElementMatcher<? super TypeDescription> type() {
        return type;
    }

    /** The matched type's name, or {@code null} when it is matched otherwise than by name. */
    public String typeName() {
        return typeName;
    }

    public List<MethodAdvice> advice() {
        return Collections.unmodifiableList(advice);
    }

    /** The builder hook's class name, or {@code null}. */
    public String builderHook() {
        return builderHook;
    }
}
