package dev.upstreamguard.filter;

import io.opentelemetry.api.trace.TraceState;

/** Writes a {@link TraceState} as the W3C {@code tracestate} header value. */
final class W3CTraceState {
    private W3CTraceState() {}

    static String encode(TraceState state) {
        StringBuilder sb = new StringBuilder();
        state.forEach((key, value) -> {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(key).append('=').append(value);
        });
        return sb.toString();
    }
}
