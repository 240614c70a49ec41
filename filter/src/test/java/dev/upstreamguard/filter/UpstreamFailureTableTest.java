package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.UpstreamFailureTable;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared table of upstream failure types ({@code testing/UpstreamFailureTable}), through the filter's
 * classifier, with stand-ins for the client libraries' classes (this module's test sources). The agent runs
 * the same table with the real libraries.
 */
class UpstreamFailureTableTest {
    private final ExceptionChainClassifier classifier = new ExceptionChainClassifier(Set.of());

    static List<UpstreamFailureTable.Row> rows() {
        return UpstreamFailureTable.rows((className, message) -> {
            try {
                return (Throwable)
                        Class.forName(className).getConstructor(String.class).newInstance(message);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("no stand-in for " + className, e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theFilterClassifiesAsTheTableSays(UpstreamFailureTable.Row row) {
        UpstreamFailure upstream = classifier.classify(row.error(), null);

        if (row.kind() == null) {
            assertThat(upstream).isNull();
            return;
        }
        assertThat(upstream).isNotNull();
        assertThat(upstream.kind().value()).isEqualTo(row.kind());
        assertThat(upstream.exceptionType()).isEqualTo(row.decidedBy());
        // Every kind in the table is answered: 504 for a timeout, 502 for the rest (a TLS handshake included).
        assertThat(FilterSettings.defaults().statusFor(upstream.kind()))
                .isEqualTo(row.kind().equals("timeout") ? 504 : 502);
    }
}
