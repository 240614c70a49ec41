package dev.upstreamguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one traceparent format of agent and filter, written and read back. */
class TraceParentTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @Test
    void writesVersion00AndReadsItBack() {
        String header = TraceParent.format(TRACE_ID, SPAN_ID, "03");

        assertThat(header)
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03")
                .hasSize(TraceParent.LENGTH);
        assertThat(TraceParent.traceId(header)).isEqualTo(TRACE_ID);
        assertThat(TraceParent.spanId(header)).isEqualTo(SPAN_ID);
        assertThat(TraceParent.flags(header)).isEqualTo("03");
    }

    @Test
    void readsALaterVersionWithMoreFields() {
        String header = "cc-" + TRACE_ID + "-" + SPAN_ID + "-01-what-comes-later";

        assertThat(TraceParent.traceId(header)).isEqualTo(TRACE_ID);
        assertThat(TraceParent.spanId(header)).isEqualTo(SPAN_ID);
        assertThat(TraceParent.flags(header)).isEqualTo("01");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",
                ""
            })
    void readsNothingFromAnInvalidHeader(String header) {
        assertThat(TraceParent.traceId(header)).isNull();
        assertThat(TraceParent.spanId(header)).isNull();
        assertThat(TraceParent.flags(header)).isNull();
    }

    @Test
    void readsNothingFromNoHeader() {
        assertThat(TraceParent.traceId(null)).isNull();
    }
}
