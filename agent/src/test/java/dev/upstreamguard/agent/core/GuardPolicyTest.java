package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy values: the documented defaults, the validating builder and {@code toBuilder()}. */
class GuardPolicyTest {

    private static final long DAY = 24L * 60 * 60 * 1000;

    @Test
    void defaultsMatchTheSpec() {
        GuardPolicy p = GuardPolicy.defaults();

        assertThat(p.connectTimeoutMillis()).isEqualTo(2_000);
        assertThat(p.readTimeoutMillis()).isEqualTo(10_000);
        assertThat(p.callTimeoutMillis()).isEqualTo(30_000);
        assertThat(p.maxAttempts()).isEqualTo(3);
        assertThat(p.backoffInitialMillis()).isEqualTo(50);
        assertThat(p.backoffMaxMillis()).isEqualTo(1_000);
        assertThat(p.retryOn()).hasToString("connect-failure,reset,timeout,502,503,504");
        assertThat(p.retryMethods()).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
        assertThat(p.retryAfterMaxMillis()).isEqualTo(5_000);
        assertThat(p.budgetPercent()).isEqualTo(20);
        assertThat(p.budgetMinPerSecond()).isEqualTo(10);
    }

    @Test
    void aNewBuilderBuildsTheDefaults() {
        GuardPolicy built = new GuardPolicy.Builder().build();

        assertThat(built).hasToString(GuardPolicy.defaults().toString());
    }

    @Test
    void nonIdempotentMethodsAreNotRetriedByDefault() {
        GuardPolicy p = GuardPolicy.defaults();

        assertThat(p.retriesMethod("POST")).isFalse();
        assertThat(p.retriesMethod("PATCH")).isFalse();
        assertThat(p.retriesMethod("CONNECT")).isFalse();
        assertThat(p.retriesMethod("GET")).isTrue();
    }

    @Test
    void toBuilderCopiesEverySettingAndLeavesTheOriginalUnchanged() {
        GuardPolicy original = new GuardPolicy.Builder()
                .connectTimeoutMillis(111)
                .readTimeoutMillis(222)
                .callTimeoutMillis(333)
                .maxAttempts(7)
                .backoffInitialMillis(11)
                .backoffMaxMillis(99)
                .retryOn(RetryOn.parse("429"))
                .retryMethods(Set.of("post"))
                .retryAfterMaxMillis(444)
                .budgetPercent(55)
                .budgetMinPerSecond(66)
                .build();

        GuardPolicy copy = original.toBuilder().build();
        GuardPolicy changed = original.toBuilder().readTimeoutMillis(30_000).build();

        assertThat(copy).hasToString(original.toString());
        assertThat(copy.retryOn()).isSameAs(original.retryOn());
        assertThat(copy.retryMethods()).containsExactly("POST");
        assertThat(changed.readTimeoutMillis()).isEqualTo(30_000);
        assertThat(changed.connectTimeoutMillis()).isEqualTo(111);
        assertThat(changed.budgetMinPerSecond()).isEqualTo(66);
        assertThat(original.readTimeoutMillis()).isEqualTo(222);
    }

    @Test
    void retryMethodsAreTrimmedUpperCasedAndEmptyOnesSkipped() {
        GuardPolicy p = new GuardPolicy.Builder()
                .retryMethods(new LinkedHashSet<>(List.of(" get", "Patch ", "", "  ")))
                .build();

        assertThat(p.retryMethods()).containsExactly("GET", "PATCH");
        assertThat(p.retriesMethod("PATCH")).isTrue();
    }

    @Test
    void retryMethodsCannotBeChangedFromOutside() {
        Set<String> methods = new LinkedHashSet<>(List.of("GET"));
        GuardPolicy p = new GuardPolicy.Builder().retryMethods(methods).build();
        methods.add("POST");

        assertThat(p.retryMethods()).containsExactly("GET");
        assertThatThrownBy(() -> p.retryMethods().add("POST")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "\"{0}\" is not a method")
    @ValueSource(strings = {"GE T", "GET/", "GÉT", "GET,POST", "(GET)"})
    void retryMethodThatIsNoHttpTokenIsRejectedByName(String bad) {
        assertThatThrownBy(() -> new GuardPolicy.Builder().retryMethods(Set.of(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + bad + "\"");
    }

    @Test
    void retryOnMayNotBeNull() {
        assertThatThrownBy(() -> new GuardPolicy.Builder().retryOn(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void timeoutsMustBeAboveZeroAndAtMostADay() {
        List<ThrowingConsumer<Long>> setters = List.of(
                v -> new GuardPolicy.Builder().connectTimeoutMillis(v),
                v -> new GuardPolicy.Builder().readTimeoutMillis(v),
                v -> new GuardPolicy.Builder().callTimeoutMillis(v));
        for (ThrowingConsumer<Long> setter : setters) {
            assertThatThrownBy(() -> setter.accept(0L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("above zero");
            assertThatThrownBy(() -> setter.accept(-1L)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> setter.accept(DAY + 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("24h");
        }
        GuardPolicy edges = new GuardPolicy.Builder()
                .connectTimeoutMillis(1)
                .readTimeoutMillis(DAY)
                .callTimeoutMillis(DAY)
                .build();
        assertThat(edges.connectTimeoutMillis()).isEqualTo(1);
        assertThat(edges.readTimeoutMillis()).isEqualTo(DAY);
    }

    @Test
    void waitsMayBeZeroButNotNegativeOrAboveADay() {
        GuardPolicy zero = new GuardPolicy.Builder()
                .backoffInitialMillis(0)
                .backoffMaxMillis(0)
                .retryAfterMaxMillis(0)
                .build();
        assertThat(zero.backoffInitialMillis()).isZero();
        assertThat(zero.backoffMaxMillis()).isZero();
        assertThat(zero.retryAfterMaxMillis()).isZero();

        assertThatThrownBy(() -> new GuardPolicy.Builder().backoffInitialMillis(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuardPolicy.Builder().backoffMaxMillis(DAY + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuardPolicy.Builder().retryAfterMaxMillis(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maxAttemptsIsFrom1To100() {
        assertThat(new GuardPolicy.Builder().maxAttempts(1).build().maxAttempts())
                .isEqualTo(1);
        assertThat(new GuardPolicy.Builder().maxAttempts(100).build().maxAttempts())
                .isEqualTo(100);
        assertThatThrownBy(() -> new GuardPolicy.Builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> new GuardPolicy.Builder().maxAttempts(101))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void budgetPercentIsFrom0To1000() {
        assertThat(new GuardPolicy.Builder().budgetPercent(0).build().budgetPercent())
                .isZero();
        assertThat(new GuardPolicy.Builder().budgetPercent(1000).build().budgetPercent())
                .isEqualTo(1000);
        assertThatThrownBy(() -> new GuardPolicy.Builder().budgetPercent(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuardPolicy.Builder().budgetPercent(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 1000");
    }

    @Test
    void budgetMinPerSecondIsFrom0To100000() {
        assertThat(new GuardPolicy.Builder().budgetMinPerSecond(0).build().budgetMinPerSecond())
                .isZero();
        assertThat(new GuardPolicy.Builder().budgetMinPerSecond(100_000).build().budgetMinPerSecond())
                .isEqualTo(100_000);
        assertThatThrownBy(() -> new GuardPolicy.Builder().budgetMinPerSecond(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuardPolicy.Builder().budgetMinPerSecond(100_001))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRejectedValueLeavesTheBuilderAsItWas() {
        GuardPolicy.Builder builder = new GuardPolicy.Builder().maxAttempts(5);

        assertThatThrownBy(() -> builder.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);

        assertThat(builder.build().maxAttempts()).isEqualTo(5);
    }
}
