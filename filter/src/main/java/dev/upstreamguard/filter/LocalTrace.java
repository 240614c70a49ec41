package dev.upstreamguard.filter;

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
    String continued = validTraceId(traceparent);
    return new LocalTrace(continued != null ? continued : randomHex(2), randomHex(1));
  }

  String traceId() {
    return traceId;
  }

  /** The W3C {@code traceresponse}: sampled flag {@code 00}, since nothing records this request. */
  String traceResponse() {
    return "00-" + traceId + "-" + spanId + "-00";
  }

  /**
   * The trace id of a valid W3C Trace Context {@code traceparent}, or null: {@code version-traceid-parentid-flags},
   * lower-case hex, version not {@code ff} (a version {@code 00} header is exactly 55 characters, a later
   * version may carry more after a {@code -}), trace id and parent id not all zeros.
   */
  static String validTraceId(String header) {
    if (header == null || header.length() < 55) {
      return null;
    }
    boolean version00 = header.startsWith("00");
    if (!isHex(header, 0, 2) || header.startsWith("ff")
        || (version00 ? header.length() != 55 : header.length() > 55 && header.charAt(55) != '-')) {
      return null;
    }
    if (header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-') {
      return null;
    }
    if (!isHex(header, 3, 35) || !isHex(header, 36, 52) || !isHex(header, 53, 55)
        || isZeros(header, 3, 35) || isZeros(header, 36, 52)) {
      return null;
    }
    return header.substring(3, 35);
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
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
