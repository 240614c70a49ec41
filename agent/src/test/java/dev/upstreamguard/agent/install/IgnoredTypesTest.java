package dev.upstreamguard.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

/** The name-only ignore rule: the JDK and common libraries away, every instrumented class through. */
class IgnoredTypesTest {

    @Test
    void theJdkTheAgentAndCommonLibrariesAreIgnoredByName() {
        assertThat(IgnoredTypes.ignored("java.lang.String")).isTrue();
        assertThat(IgnoredTypes.ignored("jdk.internal.misc.Unsafe")).isTrue();
        assertThat(IgnoredTypes.ignored("sun.security.ssl.SSLContextImpl")).isTrue();
        assertThat(IgnoredTypes.ignored("com.sun.net.httpserver.HttpServer")).isTrue();
        assertThat(IgnoredTypes.ignored("kotlin.collections.CollectionsKt")).isTrue();
        assertThat(IgnoredTypes.ignored("dev.upstreamguard.agent.core.CallGuard"))
                .isTrue();
        assertThat(IgnoredTypes.ignored("dev.upstreamguard.shaded.io.opentelemetry.sdk.OpenTelemetrySdk"))
                .isTrue();
        assertThat(IgnoredTypes.ignored("net.bytebuddy.ByteBuddy")).isTrue();
    }

    @Test
    void everyClassAModuleInstrumentsGoesThroughTheInstallersIgnoreRule() {
        List<TypeInstrumentation> types = new ArrayList<>();
        for (InstrumentationModule module : AgentInstaller.modules(AgentInstaller.class.getClassLoader())) {
            types.addAll(module.typeInstrumentations());
        }
        ElementMatcher<TypeDescription> ignored = AgentInstaller.ignored(types);
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
        }) {
            assertThat(ignored.matches(latent(instrumented))).as(instrumented).isFalse();
        }
        assertThat(ignored.matches(latent("com.example.shop.OrderService"))).isFalse();
        assertThat(ignored.matches(latent("jdk.internal.net.http.Http1Exchange")))
                .isTrue();
        assertThat(ignored.matches(latent("java.lang.String"))).isTrue();
    }

    private static TypeDescription latent(String name) {
        return new TypeDescription.Latent(name, Opcodes.ACC_PUBLIC, TypeDescription.Generic.OBJECT);
    }

    @Test
    void theMatcherReadsTheName() {
        assertThat(IgnoredTypes.INSTANCE.matches(TypeDescription.ForLoadedType.of(String.class)))
                .isTrue();
        assertThat(IgnoredTypes.INSTANCE.matches(TypeDescription.ForLoadedType.of(IgnoredTypesTest.class)))
                .isTrue();
    }
}
