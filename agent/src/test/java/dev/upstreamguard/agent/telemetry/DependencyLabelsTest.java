package dev.upstreamguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import org.junit.jupiter.api.Test;

/** The attempt-duration attribute sets: exactly the conventions' attributes, kept per dependency, bounded. */
class DependencyLabelsTest {

    private final DependencyLabels labels = new DependencyLabels();

    @Test
    void anAnsweredAttemptCarriesMethodDependencyAddressPortAndStatus() {
        Attributes attributes = labels.of("inventory").attempt("GET", "inventory.test", 8080, 200, null);

        assertThat(attributes)
                .isEqualTo(Attributes.builder()
                        .put(AttributeKey.stringKey("http.request.method"), "GET")
                        .put(AttributeKey.stringKey("upstreamguard.dependency"), "inventory")
                        .put(AttributeKey.stringKey("server.address"), "inventory.test")
                        .put(AttributeKey.longKey("server.port"), 8080L)
                        .put(AttributeKey.longKey("http.response.status_code"), 200L)
                        .build());
    }

    @Test
    void aFailedAttemptHasItsErrorTypeAndNoStatus() {
        Attributes attributes = labels.of("inventory").attempt("POST", "inventory.test", 443, -1, "timeout");

        assertThat(attributes.get(AttributeKey.stringKey("error.type"))).isEqualTo("timeout");
        assertThat(attributes.get(AttributeKey.longKey("http.response.status_code")))
                .isNull();
        assertThat(attributes.size()).isEqualTo(5);
    }

    @Test
    void otherCarriesNoAddress() {
        Attributes attributes = labels.other().attempt("GET", "somewhere.test", 80, 503, "503");

        assertThat(attributes.get(AttributeKey.stringKey("upstreamguard.dependency")))
                .isEqualTo("_other");
        assertThat(attributes.get(AttributeKey.stringKey("server.address"))).isNull();
        assertThat(attributes.get(AttributeKey.longKey("server.port"))).isNull();
        assertThat(attributes.get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(503L);
    }

    @Test
    void theSameAttemptAttributesAreBuiltOnceAndKept() {
        DependencyLabels.Labels inventory = labels.of("inventory");

        Attributes first = inventory.attempt("GET", "inventory.test", 8080, 200, null);
        Attributes again = inventory.attempt("GET", "inventory.test", 8080, 200, null);
        Attributes other = inventory.attempt("GET", "inventory.test", 8080, 404, "404");

        assertThat(again).isSameAs(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(inventory.attemptSets()).isEqualTo(2);
    }

    @Test
    void pastTheBoundTheSetsAreStillRightButNoLongerKept() {
        DependencyLabels.Labels inventory = labels.of("inventory");
        int sets = DependencyLabels.MAX_DURATION_SETS + 50;
        for (int i = 0; i < sets; i++) {
            Attributes attributes = inventory.attempt("GET", "inventory.test", 8080, -1, "Error" + i);
            assertThat(attributes.get(AttributeKey.stringKey("error.type"))).isEqualTo("Error" + i);
        }

        assertThat(inventory.attemptSets()).isEqualTo(DependencyLabels.MAX_DURATION_SETS);
    }
}
