package dev.upstreamguard.filter;

import dev.upstreamguard.bootstrap.TraceParent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives each request its {@link RequestTrace}: adopts the span another instrumentation already made current,
 * or starts a SERVER span with the application's OpenTelemetry, or, when the application has no SDK and the
 * agent runs, has the agent's SDK make it. Thread-safe.
 *
 * <p>The {@link OpenTelemetry} instance is looked up per request: the servlet context attribute {@value
 * #OPEN_TELEMETRY_ATTRIBUTE} when the application set one, else {@link GlobalOpenTelemetry#getOrNoop()},
 * which does not lock the global instance against a later {@code GlobalOpenTelemetry.set}; with an
 * opentelemetry-api older than that method, the no-op instance (the agent still records the SERVER span).
 */
final class RequestTracer {
    static final String OPEN_TELEMETRY_ATTRIBUTE = "io.opentelemetry.api.OpenTelemetry";
    static final String INSTRUMENTATION_NAME = "dev.upstreamguard.filter";

    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
            AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private static final Logger LOGGER = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);

    /**
     * Set once an older opentelemetry-api (Spring Boot 3.5 manages 1.49.0) is found to lack {@code getOrNoop}:
     * the filter then does without the global instance rather than fail every request with a linkage error.
     */
    private static volatile boolean getOrNoopMissing;

    private volatile TracerForInstance cached;

    RequestTrace startOrAdopt(HttpServletRequest request) {
        return startOrAdoptSpan(request).continuing(singleTraceparent(request));
    }

    /** The request's {@code traceparent}, or null when it has none or several (which W3C makes invalid). */
    private static String singleTraceparent(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders("traceparent");
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String first = values.nextElement();
        return values.hasMoreElements() ? null : first;
    }

    private RequestTrace startOrAdoptSpan(HttpServletRequest request) {
        AgentLink agent = AgentLink.find();
        Span current = Span.current();
        if (current.getSpanContext().isValid()) {
            // The API cannot tell a span's kind: a valid current span means another instrumentation made one.
            return linked(RequestTrace.adopted(new ApplicationSpan(current)), agent, current);
        }
        OpenTelemetry openTelemetry = openTelemetry(request.getServletContext());
        Context parent = propagator(openTelemetry).extract(Context.current(), request, RequestHeaders.INSTANCE);
        String method = request.getMethod();
        boolean knownMethod = method != null && KNOWN_METHODS.contains(method);
        SpanBuilder builder = tracer(openTelemetry)
                .spanBuilder(knownMethod ? method : "HTTP")
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(HTTP_REQUEST_METHOD, knownMethod ? method : "_OTHER")
                .setAttribute(URL_PATH, request.getRequestURI())
                .setAttribute(URL_SCHEME, request.getScheme())
                .setAttribute(SERVER_ADDRESS, request.getServerName())
                .setAttribute(SERVER_PORT, (long) request.getServerPort())
                .setAttribute(CLIENT_ADDRESS, request.getRemoteAddr());
        if (!knownMethod && method != null) {
            builder.setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, method);
        }
        String userAgent = request.getHeader("User-Agent");
        if (userAgent != null) {
            builder.setAttribute(USER_AGENT_ORIGINAL, userAgent);
        }
        Span span = builder.startSpan();
        SpanContext context = span.getSpanContext();
        if (agent != null && (!context.isValid() || context.isRemote())) {
            // No SDK in the application: the agent's SDK records the server span, so the trace is still whole.
            RequestTrace agentMade = agentMade(agent, request, knownMethod ? method : "HTTP");
            if (agentMade != null) {
                return agentMade;
            }
        }
        return linked(RequestTrace.owned(new ApplicationSpan(span)), agent, span);
    }

    /** Shares the span's context with the agent, whose CLIENT spans then become its children. */
    private static RequestTrace linked(RequestTrace trace, AgentLink agent, Span span) {
        SpanContext c = span.getSpanContext();
        if (agent == null || !c.isValid()) {
            return trace;
        }
        String traceparent = TraceParent.format(
                c.getTraceId(), c.getSpanId(), c.getTraceFlags().asHex());
        String tracestate = c.getTraceState().isEmpty() ? null : W3CTraceState.encode(c.getTraceState());
        return trace.linkedTo(agent, agent.open(traceparent, tracestate));
    }

    private static RequestTrace agentMade(AgentLink agent, HttpServletRequest request, String name) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(HTTP_REQUEST_METHOD.getKey(), name.equals("HTTP") ? "_OTHER" : name);
        attributes.put(URL_PATH.getKey(), request.getRequestURI());
        attributes.put(URL_SCHEME.getKey(), request.getScheme());
        attributes.put(SERVER_ADDRESS.getKey(), request.getServerName());
        attributes.put(SERVER_PORT.getKey(), (long) request.getServerPort());
        attributes.put(CLIENT_ADDRESS.getKey(), request.getRemoteAddr());
        String userAgent = request.getHeader("User-Agent");
        if (userAgent != null) {
            attributes.put(USER_AGENT_ORIGINAL.getKey(), userAgent);
        }
        Object scope = agent.openWithServerSpan(
                name, attributes, request.getHeader("traceparent"), request.getHeader("tracestate"));
        AgentMadeSpan span = scope == null ? null : AgentMadeSpan.of(agent, scope);
        return span == null ? null : RequestTrace.owned(span).linkedTo(agent, scope);
    }

    private static OpenTelemetry openTelemetry(ServletContext servletContext) {
        Object fromContext = servletContext == null ? null : servletContext.getAttribute(OPEN_TELEMETRY_ATTRIBUTE);
        if (fromContext instanceof OpenTelemetry) {
            return (OpenTelemetry) fromContext;
        }
        if (!getOrNoopMissing) {
            try {
                return GlobalOpenTelemetry.getOrNoop();
            } catch (NoSuchMethodError olderApi) {
                getOrNoopMissing = true;
                LOGGER.log(
                        Level.WARNING,
                        "The application's opentelemetry-api has no GlobalOpenTelemetry.getOrNoop (it is "
                                + "older than the filter's); the filter does not read GlobalOpenTelemetry, which would lock it, and uses the "
                                + "servlet context attribute " + OPEN_TELEMETRY_ATTRIBUTE
                                + " if set, else the agent's spans");
            }
        }
        return OpenTelemetry.noop();
    }

    private static TextMapPropagator propagator(OpenTelemetry openTelemetry) {
        TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
        // No propagator configured (the no-op instance): still continue a W3C trace the caller started.
        return propagator.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : propagator;
    }

    private Tracer tracer(OpenTelemetry openTelemetry) {
        TracerForInstance tracer = cached;
        if (tracer == null || tracer.openTelemetry != openTelemetry) {
            TracerBuilder builder = openTelemetry.tracerBuilder(INSTRUMENTATION_NAME);
            String version = RequestTracer.class.getPackage().getImplementationVersion();
            if (version != null) {
                builder.setInstrumentationVersion(version);
            }
            tracer = new TracerForInstance(openTelemetry, builder.build());
            cached = tracer;
        }
        return tracer.tracer;
    }

    private static final class TracerForInstance {
        final OpenTelemetry openTelemetry;
        final Tracer tracer;

        TracerForInstance(OpenTelemetry openTelemetry, Tracer tracer) {
            this.openTelemetry = openTelemetry;
            this.tracer = tracer;
        }
    }

    private enum RequestHeaders implements TextMapGetter<HttpServletRequest> {
        INSTANCE;

        @Override
        public String get(HttpServletRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    }
}
