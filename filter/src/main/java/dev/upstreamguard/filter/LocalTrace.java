package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.TraceParent;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The trace id the filter gives the caller when no OpenTelemetry SDK records the request (no SDK in the
 * application, no agent tracing it): the caller's own trace id when it sent a valid W3C {@code traceparent},
 * read by hand since the API alone propagates nothing, else a fresh random one; and a span id of its own
 * for the {@code traceresponse}. Never all zeros. Immutable.
 */
final class LocalTrace {
    private final String traceId;
    private final String spanId;

    private LocalTrace(String traceId, String spanId) {
        this.traceId = traceId;
        this.spanId = spanId;
    }

    /** @param traceparent the request's single {@code traceparent} header, or null */
    static LocalTrace continuing(String traceparent) {
        String continued = TraceParent.traceId(traceparent);
        return new LocalTrace(continued != null ? continued : randomHex(2), randomHex(1));
    }

    String traceId() {
        return traceId;
    }

    /** The W3C {@code traceresponse}: sampled flag {@code 00}, since nothing records this request. */
    String traceResponse() {
        return TraceParent.format(traceId, spanId, "00");
    }

    /** {@code longs} random 64-bit values as lower-case hex, 16 digits each, not all zeros. */
    private static String randomHex(int longs) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder hex = new StringBuilder(16 * longs);
        boolean zero = true;
        for (int i = 0; i < longs; i++) {
            long value = random.nextLong();
            if (i == longs - 1 && zero && value == 0) {
                value = 1; // all zeros is the invalid id
            }
            zero &= value == 0;
            String digits = Long.toHexString(value);
            for (int pad = digits.length(); pad < 16; pad++) {
                hex.append('0');
            }
            hex.append(digits);
        }
        return hex.toString();
    }
}
