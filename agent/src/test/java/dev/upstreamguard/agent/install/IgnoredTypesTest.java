package dev.upstreamguard.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.description.type.TypeDescription;
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
        assertThat(IgnoredTypes.ignored("dev.upstreamguard.agent.core.CallGuard")).isTrue();
        assertThat(IgnoredTypes.ignored("dev.upstreamguard.shaded.io.opentelemetry.sdk.OpenTelemetrySdk")).isTrue();
        assertThat(IgnoredTypes.ignored("net.bytebuddy.ByteBuddy")).isTrue();
    }

    @Test
    void everyClassTheAgentInstrumentsGoesThrough() {
        for (String instrumented : new String[] {
            "jdk.internal.net.http.HttpClientFacade", "jdk.internal.net.http.HttpClientImpl",
            "jdk.internal.net.http.HttpClientBuilderImpl", "jdk.internal.net.http.MultiExchange",
            "jdk.internal.net.http.RequestPublishers$IterablePublisher",
            "sun.net.www.protocol.http.Handler", "sun.net.www.protocol.https.Handler", "sun.net.www.http.HttpClient",
            "okhttp3.OkHttpClient", "okhttp3.internal.connection.RealCall",
            "org.apache.hc.client5.http.impl.classic.HttpClientBuilder", "org.apache.http.impl.client.HttpClientBuilder",
        }) {
            assertThat(IgnoredTypes.ignored(instrumented)).as(instrumented).isFalse();
        }
        assertThat(IgnoredTypes.ignored("com.example.shop.OrderService")).isFalse();
    }

    @Test
    void theMatcherReadsTheName() {
        assertThat(IgnoredTypes.INSTANCE.matches(TypeDescription.ForLoadedType.of(String.class))).isTrue();
        assertThat(IgnoredTypes.INSTANCE.matches(TypeDescription.ForLoadedType.of(IgnoredTypesTest.class))).isTrue();
    }
}
