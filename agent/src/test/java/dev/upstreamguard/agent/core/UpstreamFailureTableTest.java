package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.testing.UpstreamFailureTable;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared table of upstream failure types ({@code testing/UpstreamFailureTable}), through the agent's
 * classifier, with the real client libraries' exception classes. The filter runs the same table.
 */
class UpstreamFailureTableTest {

    static List<UpstreamFailureTable.Row> rows() {
        return UpstreamFailureTable.rows(UpstreamFailureTableTest::realLibraryException);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theAgentClassifiesAsTheTableSays(UpstreamFailureTable.Row row) {
        FailureKind kind = FailureClassifier.classify(row.error(), false);

        assertThat(kind == null ? null : kind.label()).isEqualTo(row.kind());
        if (row.kind() != null) {
            assertThat(FailureClassifier.neverRetried(row.error())).isEqualTo(row.neverRetried());
        }
    }

    /** The libraries' own classes; two of them have no constructor taking just a message. */
    private static Throwable realLibraryException(String className, String message) {
        switch (className) {
            case "org.apache.http.conn.HttpHostConnectException":
                return new org.apache.http.conn.HttpHostConnectException(new ConnectException(message), null);
            case "okhttp3.internal.http2.StreamResetException":
                return new okhttp3.internal.http2.StreamResetException(okhttp3.internal.http2.ErrorCode.CANCEL);
            case "okhttp3.internal.http2.ConnectionShutdownException":
                return new okhttp3.internal.http2.ConnectionShutdownException();
            default:
                try {
                    return (Throwable) Class.forName(className)
                            .getConstructor(String.class)
                            .newInstance(message);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot make a " + className, e);
                }
        }
    }
}
