package dev.upstreamguard.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

/** The name-only ignore rule: every instrumented class through, every other class away by its name. */
class IgnoredTypesTest {

    private static final ElementMatcher<TypeDescription> IGNORED = AgentInstaller.ignored(allTypes());

    private static List<TypeInstrumentation> allTypes() {
        List<TypeInstrumentation> types = new ArrayList<>();
        for (InstrumentationModule module : AgentInstaller.modules(AgentInstaller.class.getClassLoader())) {
            types.addAll(module.typeInstrumentations());
        }
        return types;
    }

    @Test
    void everyClassAModuleInstrumentsGoesThrough() {
        for (String instrumented : new String[] {
            "jdk.internal.net.http.HttpClientFacade",
            "jdk.internal.net.http.HttpClientImpl",
            "jdk.internal.net.http.HttpClientBuilderImpl",
            "jdk.internal.net.http.MultiExchange",
            "jdk.internal.net.http.RequestPublishers$IterablePublisher",
            "sun.net.www.protocol.http.Handler",
            "sun.net.www.protocol.https.Handler",
            "sun.net.www.http.HttpClient",
            "okhttp3.OkHttpClient",
            "okhttp3.internal.connection.RealCall",
            "org.apache.hc.client5.http.impl.classic.HttpClientBuilder",
            "org.apache.http.impl.client.HttpClientBuilder",
            "org.eclipse.jetty.client.transport.HttpRequest",
        }) {
            assertThat(IGNORED.matches(latent(instrumented, Opcodes.ACC_PUBLIC)))
                    .as(instrumented)
                    .isFalse();
        }
    }

    @Test
    void everyOtherClassIsIgnoredTheApplicationsAndTheLibrariesToo() {
        for (String other : new String[] {
            "java.lang.String",
            "jdk.internal.net.http.Http1Exchange",
            "com.example.shop.OrderService",
            "okhttp3.OkHttpClient$Builder",
            "org.apache.hc.client5.http.impl.classic.HttpClientBuilder$1",
            "dev.upstreamguard.agent.core.CallGuard",
            "net.bytebuddy.ByteBuddy",
        }) {
            assertThat(IGNORED.matches(latent(other, Opcodes.ACC_PUBLIC)))
                    .as(other)
                    .isTrue();
        }
    }

    @Test
    void aSyntheticTypeOfAnInstrumentedNameIsIgnored() {
        assertThat(IGNORED.matches(latent("okhttp3.OkHttpClient", Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC)))
                .isTrue();
    }

    /** A type that is not instrumented is asked its name and nothing else: its class file is never parsed. */
    @Test
    void aTypeThatIsNotInstrumentedIsAskedOnlyItsName() {
        List<String> asked = new ArrayList<>();
        TypeDescription onlyAName = (TypeDescription) Proxy.newProxyInstance(
                TypeDescription.class.getClassLoader(),
                new Class<?>[] {TypeDescription.class},
                (proxy, method, args) -> {
                    asked.add(method.getName());
                    if (method.getName().equals("getName")) {
                        return "com.example.shop.OrderService";
                    }
                    throw new AssertionError("the ignore rule asked for " + method.getName());
                });

        assertThat(IGNORED.matches(onlyAName)).isTrue();
        assertThat(asked).containsExactly("getName");
    }

    @Test
    void theRuleIsWrittenWithTheNamesItLetsThrough() {
        assertThat(new IgnoredTypes(Set.of("a.B")).toString()).isEqualTo("notOneOf([a.B])");
    }

    private static TypeDescription latent(String name, int modifiers) {
        return new TypeDescription.Latent(name, modifiers, TypeDescription.Generic.OBJECT);
    }
}
