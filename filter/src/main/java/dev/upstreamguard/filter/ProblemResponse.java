package dev.upstreamguard.filter;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The clean answer to an upstream failure: an RFC 9457 {@code application/problem+json} document, or a
 * small HTML page for clients that prefer {@code text/html}. Immutable.
 *
 * <p>It replaces whatever the application had put on the response, except the security headers that
 * earlier filters may have set ({@link #KEPT_HEADERS}, and the CORS headers {@code Access-Control-*}). It carries the failure kind and, as {@code expose-dependency} allows, the dependency's name and
 * address; never an exception message or stack trace. Both bodies are written by hand and are pure ASCII:
 * every other character is escaped.
 */
final class ProblemResponse {
  static final String TYPE = "https://upstreamguard.dev/problems/upstream-failure";
  static final String JSON_CONTENT_TYPE = "application/problem+json";
  static final String HTML_CONTENT_TYPE = "text/html;charset=utf-8";

  /**
   * Headers that survive {@code reset()}, besides {@code Access-Control-*}: security policies a filter in
   * front (Spring Security, a container's header filter) set for every answer, this one included.
   */
  static final Set<String> KEPT_HEADERS = keptHeaders(
      "Strict-Transport-Security",
      "Content-Security-Policy",
      "Content-Security-Policy-Report-Only",
      "X-Content-Type-Options",
      "X-Frame-Options",
      "Referrer-Policy",
      "Permissions-Policy",
      "Cross-Origin-Opener-Policy",
      "Cross-Origin-Embedder-Policy",
      "Cross-Origin-Resource-Policy");

  private final int status;
  private final String title;
  private final String detail;
  private final String instance;
  private final String traceId;
  private final String failure;
  private final String dependency;
  private final String address;

  private ProblemResponse(
      int status, String detail, String instance, String traceId, String failure, String dependency, String address) {
    this.status = status;
    this.title = title(status);
    this.detail = detail;
    this.instance = instance;
    this.traceId = traceId;
    this.failure = failure;
    this.dependency = dependency;
    this.address = address;
  }

  /**
   * @param instance the request path
   * @param traceId the trace id to show, or {@code null} when there is no trace
   */
  static ProblemResponse of(
      int status, UpstreamFailure failure, ExposeDependency expose, String instance, String traceId) {
    String dependency = expose == ExposeDependency.NONE ? null : failure.dependency();
    String address = expose == ExposeDependency.ADDRESS ? failure.address() : null;
    return new ProblemResponse(
        status, detail(failure.kind()), instance, traceId, failure.kind().value(), dependency, address);
  }

  int status() {
    return status;
  }

  String toJson() {
    StringBuilder json = new StringBuilder(256).append('{');
    member(json, "type", TYPE);
    json.append(',');
    member(json, "title", title);
    json.append(",\"status\":").append(status).append(',');
    member(json, "detail", detail);
    if (instance != null) {
      json.append(',');
      member(json, "instance", instance);
    }
    if (traceId != null) {
      json.append(',');
      member(json, "traceId", traceId);
    }
    json.append(',');
    member(json, "failure", failure);
    if (dependency != null) {
      json.append(',');
      member(json, "dependency", dependency);
    }
    if (address != null) {
      json.append(',');
      member(json, "address", address);
    }
    return json.append('}').toString();
  }

  String toHtml() {
    StringBuilder html = new StringBuilder(512);
    String heading = status + " " + title;
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escapeHtml(heading))
        .append("</title>\n</head>\n<body>\n<h1>")
        .append(escapeHtml(heading))
        .append("</h1>\n<p>")
        .append(escapeHtml(detail))
        .append("</p>\n<dl>\n");
    definition(html, "Failure", failure);
    definition(html, "Dependency", dependency);
    definition(html, "Address", address);
    definition(html, "Trace ID", traceId);
    return html.append("</dl>\n</body>\n</html>\n").toString();
  }

  /**
   * Writes this problem onto a response that is not committed, replacing whatever the application had
   * set on it.
   *
   * @param traceResponse the W3C {@code traceresponse} header value, or {@code null}
   * @throws IllegalStateException if the response was committed in the meantime
   */
  void writeTo(HttpServletResponse response, boolean html, String traceResponse) throws IOException {
    writeTo(response, html, traceResponse, -1);
  }

  /** @param retryAfterSeconds the {@code Retry-After} to send, or a negative number for none */
  void writeTo(HttpServletResponse response, boolean html, String traceResponse, long retryAfterSeconds)
      throws IOException {
    byte[] body = (html ? toHtml() : toJson()).getBytes(StandardCharsets.US_ASCII);
    Map<String, Collection<String>> kept = keptHeaders(response);
    response.reset();
    // Security policies still apply, and a browser must still be allowed to read a cross-origin answer.
    kept.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
    response.setStatus(status);
    response.setContentType(html ? HTML_CONTENT_TYPE : JSON_CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Vary", "Accept");
    if (traceResponse != null) {
      response.setHeader("traceresponse", traceResponse);
    }
    if (retryAfterSeconds > 0) {
      response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
    response.setContentLength(body.length);
    try {
      OutputStream out = response.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IllegalStateException writerInUse) {
      // A container that keeps the application's getWriter() choice across reset(): the body is ASCII anyway.
      PrintWriter writer = response.getWriter();
      writer.write(new String(body, StandardCharsets.US_ASCII));
      writer.flush();
    }
  }

  private static Map<String, Collection<String>> keptHeaders(HttpServletResponse response) {
    Map<String, Collection<String>> kept = new LinkedHashMap<>();
    for (String name : response.getHeaderNames()) {
      if (name.regionMatches(true, 0, "Access-Control-", 0, "Access-Control-".length())
          || KEPT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        kept.put(name, new ArrayList<>(response.getHeaders(name)));
      }
    }
    return kept;
  }

  private static Set<String> keptHeaders(String... names) {
    Set<String> lowerCase = new HashSet<>();
    for (String name : names) {
      lowerCase.add(name.toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(lowerCase);
  }

  private static String detail(UpstreamFailureKind kind) {
    switch (kind) {
      case CONNECT_FAILURE:
        return "An upstream service could not be reached.";
      case DNS_FAILURE:
        return "The address of an upstream service could not be resolved.";
      case RESET:
        return "An upstream service closed the connection before it answered.";
      case TIMEOUT:
        return "An upstream service did not answer in time.";
      case STATUS:
        return "An upstream service answered with an error.";
      case CIRCUIT_OPEN:
        return "An upstream service is unavailable; the call was not attempted. Retry later.";
      case CONCURRENCY_LIMIT:
        return "An upstream service is at its concurrency limit; the call was not attempted. Retry later.";
      default:
        return "A call to an upstream service failed.";
    }
  }

  static String title(int status) {
    switch (status) {
      case 500:
        return "Internal Server Error";
      case 501:
        return "Not Implemented";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      case 504:
        return "Gateway Timeout";
      case 507:
        return "Insufficient Storage";
      case 508:
        return "Loop Detected";
      case 511:
        return "Network Authentication Required";
      default:
        return "Upstream Failure";
    }
  }

  private static void member(StringBuilder json, String name, String value) {
    appendJsonString(json, name);
    json.append(':');
    appendJsonString(json, value);
  }

  /** Escapes quotes, backslashes, controls, HTML-significant characters and everything outside ASCII. */
  static void appendJsonString(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          json.append("\\\"");
          break;
        case '\\':
          json.append("\\\\");
          break;
        case '\n':
          json.append("\\n");
          break;
        case '\r':
          json.append("\\r");
          break;
        case '\t':
          json.append("\\t");
          break;
        default:
          if (c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&' || c == '\'') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
      }
    }
    json.append('"');
  }

  private static void definition(StringBuilder html, String term, String value) {
    if (value != null) {
      html.append("<dt>").append(term).append("</dt><dd><code>").append(escapeHtml(value)).append("</code></dd>\n");
    }
  }

  static String escapeHtml(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    value.codePoints().forEach(c -> {
      switch (c) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          if (Character.isISOControl(c) || Character.isSurrogate((char) c) && c <= 0xFFFF) {
            out.append("&#xFFFD;"); // controls and lone surrogates are not allowed in HTML text
          } else if (c > 0x7e) {
            out.append("&#x").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)).append(';');
          } else {
            out.append((char) c);
          }
      }
    });
    return out.toString();
  }
}
