package dev.upstreamguard.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Classifies a failure from the exception types in its cause chain, matched by class name (the class
 * itself and its superclasses) so that no HTTP client library has to be on the class path. Thread-safe.
 *
 * <p>The chain is read from the outside in. The first exception of a known type decides the kind (so
 * Apache's {@code ConnectTimeoutException} stays a connect failure even though it wraps a {@code
 * SocketTimeoutException}). Wrappers that prove an upstream call failed without saying how (Spring's
 * {@code ResourceAccessException}, names from {@code upstream-exceptions}) make the failure an upstream one
 * of kind {@link UpstreamFailureKind#OTHER} unless a known type lies beneath them. Dependency, address and
 * attempts stay unknown: exception messages are not parsed for them.
 */
final class ExceptionChainClassifier implements UpstreamFailureClassifier {

  private static final Map<String, UpstreamFailureKind> KNOWN_TYPES = knownTypes();

  /** Types that prove an upstream call failed, without saying how. */
  private static final Set<String> UPSTREAM_WRAPPERS =
      Set.of(
          "org.springframework.web.client.ResourceAccessException",
          "org.springframework.web.reactive.function.client.WebClientRequestException");

  /**
   * JAX-RS clients also use {@code ProcessingException} for entity mapping bugs, so it only counts when an
   * {@code IOException} lies beneath it.
   */
  private static final Set<String> IO_WRAPPERS =
      Set.of("jakarta.ws.rs.ProcessingException", "javax.ws.rs.ProcessingException");

  private static final Set<String> IO_EXCEPTION = Set.of("java.io.IOException");

  private final Set<String> extraUpstreamTypes;

  /** @param extraUpstreamTypes class names that count as upstream failures (the {@code upstream-exceptions}) */
  ExceptionChainClassifier(Set<String> extraUpstreamTypes) {
    this.extraUpstreamTypes = Set.copyOf(extraUpstreamTypes);
  }

  @Override
  public UpstreamFailure classify(Throwable failure, HttpServletRequest request) {
    List<Throwable> chain = CauseChain.of(failure);
    Throwable wrapper = null;
    boolean ioWrapperSeen = false;
    for (Throwable t : chain) {
      UpstreamFailureKind kind = knownKind(t);
      if (kind != null) {
        return UpstreamFailure.fromException(kind, t);
      }
      if (wrapper == null) {
        if (CauseChain.isA(t, UPSTREAM_WRAPPERS) || CauseChain.isA(t, extraUpstreamTypes)) {
          wrapper = t;
        } else if (ioWrapperSeen && CauseChain.isA(t, IO_EXCEPTION)) {
          wrapper = t;
        }
      }
      ioWrapperSeen |= CauseChain.isA(t, IO_WRAPPERS);
    }
    return wrapper == null ? null : UpstreamFailure.fromException(UpstreamFailureKind.OTHER, wrapper);
  }

  /** The kind {@code t} itself shows, walking from its own class up to {@code Throwable}; or null. */
  static UpstreamFailureKind knownKind(Throwable t) {
    UpstreamFailureKind rejected = Rejections.kindOf(t); // before ConnectException, which it extends
    if (rejected != null) {
      return rejected;
    }
    for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      String name = c.getName();
      UpstreamFailureKind kind = KNOWN_TYPES.get(name);
      if (kind != null) {
        return kind;
      }
      kind = kindFromJdkMessage(name, t, c == t.getClass());
      if (kind != null) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The JDK and OkHttp report some failures only through a generic type with a fixed message, e.g. {@code
   * SocketException: Connection reset}. These messages are constants of those libraries, not user data.
   */
  private static UpstreamFailureKind kindFromJdkMessage(String typeName, Throwable t, boolean exactType) {
    String message = t.getMessage();
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    switch (typeName) {
      case "java.net.SocketTimeoutException":
        // HttpURLConnection and plain sockets: "Connect timed out" is a connect failure, the rest a read timeout.
        return lower.startsWith("connect timed out") ? UpstreamFailureKind.CONNECT_FAILURE : UpstreamFailureKind.TIMEOUT;
      case "java.net.SocketException":
        if (lower.startsWith("connection reset")
            || lower.startsWith("broken pipe")
            || lower.startsWith("unexpected end of file from server")) {
          return UpstreamFailureKind.RESET;
        }
        return null;
      case "java.io.InterruptedIOException":
        // OkHttp's call timeout; any other InterruptedIOException may be a plain thread interrupt.
        return exactType && lower.equals("timeout") ? UpstreamFailureKind.TIMEOUT : null;
      case "java.io.IOException":
        // java.net.http.HttpClient when the upstream closes the connection before the response head.
        return exactType && lower.startsWith("http/1.1 header parser received no bytes")
            ? UpstreamFailureKind.RESET
            : null;
      default:
        return null;
    }
  }

  private static Map<String, UpstreamFailureKind> knownTypes() {
    Map<String, UpstreamFailureKind> types = new HashMap<>();
    // JDK
    types.put("java.net.ConnectException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("java.net.NoRouteToHostException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("java.net.http.HttpConnectTimeoutException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("java.net.UnknownHostException", UpstreamFailureKind.DNS_FAILURE);
    types.put("java.nio.channels.UnresolvedAddressException", UpstreamFailureKind.DNS_FAILURE);
    types.put("java.net.http.HttpTimeoutException", UpstreamFailureKind.TIMEOUT);
    types.put("java.nio.channels.InterruptedByTimeoutException", UpstreamFailureKind.TIMEOUT);
    // Apache HttpClient 4.x
    types.put("org.apache.http.conn.ConnectTimeoutException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("org.apache.http.conn.HttpHostConnectException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("org.apache.http.NoHttpResponseException", UpstreamFailureKind.RESET);
    types.put("org.apache.http.ConnectionClosedException", UpstreamFailureKind.RESET);
    // Apache HttpClient 5.x
    types.put("org.apache.hc.client5.http.ConnectTimeoutException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("org.apache.hc.client5.http.HttpHostConnectException", UpstreamFailureKind.CONNECT_FAILURE);
    types.put("org.apache.hc.core5.http.NoHttpResponseException", UpstreamFailureKind.RESET);
    types.put("org.apache.hc.core5.http.ConnectionClosedException", UpstreamFailureKind.RESET);
    // OkHttp 4.x and 5.x
    types.put("okhttp3.internal.http2.StreamResetException", UpstreamFailureKind.RESET);
    types.put("okhttp3.internal.http2.ConnectionShutdownException", UpstreamFailureKind.RESET);
    return Map.copyOf(types);
  }
}
