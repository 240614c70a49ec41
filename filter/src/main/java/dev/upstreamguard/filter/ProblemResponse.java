package dev.upstreamguard.filter;

/**
 * What the clean answer to an upstream failure says, as an RFC 9457 {@code application/problem+json}
 * document or a small HTML page for clients that prefer {@code text/html}; {@link ProblemResponseWriter} puts
 * it on the response. It carries the failure kind and, as {@code expose-dependency} allows, the dependency's
 * name and address; never an exception message or stack trace. Both bodies are written by hand and are pure
 * ASCII: every other character is escaped ({@link JsonText}, {@link HtmlText}). Immutable.
 */
final class ProblemResponse {
    static final String TYPE = "https://upstreamguard.dev/problems/upstream-failure";
    static final String JSON_CONTENT_TYPE = "application/problem+json";
    static final String HTML_CONTENT_TYPE = "text/html;charset=utf-8";

    private final int status;
    private final String title;
    private final String detail;
    private final String instance;
    private final String traceId;
    private final String failure;
    private final String dependency;
    private final String address;

    private ProblemResponse(
            int status,
            String detail,
            String instance,
            String traceId,
            String failure,
            String dependency,
            String address) {
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
                status,
                detail(failure.kind()),
                instance,
                traceId,
                failure.kind().value(),
                dependency,
                address);
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
                .append(HtmlText.escape(heading))
                .append("</title>\n</head>\n<body>\n<h1>")
                .append(HtmlText.escape(heading))
                .append("</h1>\n<p>")
                .append(HtmlText.escape(detail))
                .append("</p>\n<dl>\n");
        definition(html, "Failure", failure);
        definition(html, "Dependency", dependency);
        definition(html, "Address", address);
        definition(html, "Trace ID", traceId);
        return html.append("</dl>\n</body>\n</html>\n").toString();
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
        JsonText.appendString(json, name);
        json.append(':');
        JsonText.appendString(json, value);
    }

    private static void definition(StringBuilder html, String term, String value) {
        if (value != null) {
            html.append("<dt>")
                    .append(term)
                    .append("</dt><dd><code>")
                    .append(HtmlText.escape(value))
                    .append("</code></dd>\n");
        }
    }
}
