package dev.upstreamguard.agent.install;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.bootstrap.Bridge;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;

/** An advice that throws is counted and the instrumented method goes on, with the installer's transformer. */
class AdviceErrorsTest {

    /** Stands in for an instrumented client class. */
    public static class Client {
        public String call() {
            return "answered";
        }
    }

    /** An agent bug, on the way in and on the way out. */
    public static final class BrokenAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            throw new IllegalStateException("bug on enter");
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit() {
            throw new IllegalStateException("bug on exit");
        }
    }

    @Test
    void anAdviceThatThrowsIsCountedAndTheCallGoesOn() throws Exception {
        ClassLoader testLoader = getClass().getClassLoader();
        DynamicType.Builder<?> builder = AgentInstaller.advice(testLoader)
                .advice(named("call"), BrokenAdvice.class.getName())
                .transform(
                        new ByteBuddy().redefine(Client.class),
                        TypeDescription.ForLoadedType.of(Client.class),
                        testLoader,
                        null,
                        null);
        Class<?> instrumented = builder.make()
                .load(testLoader, ClassLoadingStrategy.Default.CHILD_FIRST)
                .getLoaded();
        assertThat(instrumented).isNotSameAs(Client.class);
        long before = Bridge.errorCount();

        Object answer = instrumented
                .getMethod("call")
                .invoke(instrumented.getConstructor().newInstance());

        assertThat(answer).isEqualTo("answered");
        assertThat(Bridge.errorCount() - before).isEqualTo(2);
    }
}
