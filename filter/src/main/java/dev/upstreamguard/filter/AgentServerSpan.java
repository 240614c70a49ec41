package dev.upstreamguard.filter;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A SERVER span that the agent's OpenTelemetry SDK records for the filter when the application has no
 * SDK of its own: the filter writes to it through the ordinary {@link Span} API, and on {@link #end()}
 * everything is handed to the agent through the {@link AgentLink}. Thread-safe.
 */
final class AgentServerSpan implements Span {
  private final AgentLink agent;
  private final Object scope;
  private final SpanContext context;
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  private String errorType;
  private String eventName;
  private Map<String, Object> eventAttributes;
  private boolean ended;

  private AgentServerSpan(AgentLink agent, Object scope, SpanContext context) {
    this.agent = agent;
    this.scope = scope;
    this.context = context;
  }

  /** Wraps a scope opened with a server span; null when its traceparent cannot be read. */
  static AgentServerSpan of(AgentLink agent, Object scope) {
    String traceparent = agent.traceparent(scope);
    if (traceparent == null || traceparent.length() != 55) {
      return null;
    }
    SpanContext context = SpanContext.create(traceparent.substring(3, 35), traceparent.substring(36, 52),
        TraceFlags.fromHex(traceparent, 53), TraceState.getDefault());
    return context.isValid() ? new AgentServerSpan(agent, scope, context) : null;
  }

  Object scope() {
    return scope;
  }

  @Override
  public synchronized <T> Span setAttribute(AttributeKey<T> key, T value) {
    if (value != null) {
      attributes.put(key.getKey(), value instanceof List ? value.toString() : value);
    }
    return this;
  }

  @Override
  public synchronized Span addEvent(String name, Attributes eventAttributes) {
    this.eventName = name; // the filter records one event per request: the upstream failure
    this.eventAttributes = toMap(eventAttributes);
    return this;
  }

  @Override
  public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
    return addEvent(name, attributes);
  }

  @Override
  public synchronized Span setStatus(StatusCode statusCode, String description) {
    if (statusCode == StatusCode.ERROR) {
      Object type = attributes.get("error.type");
      errorType = type != null ? type.toString() : "error";
    }
    return this;
  }

  @Override
  public Span recordException(Throwable exception, Attributes additionalAttributes) {
    return this; // exception messages may carry URLs or secrets: only error.type is recorded
  }

  @Override
  public Span updateName(String name) {
    return this;
  }

  @Override
  public void end() {
    Map<String, Object> attributesAtEnd;
    String error;
    String event;
    Map<String, Object> eventAttrs;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      attributesAtEnd = new LinkedHashMap<>(attributes);
      error = errorType != null && attributesAtEnd.containsKey("error.type")
          ? String.valueOf(attributesAtEnd.get("error.type")) : errorType;
      event = eventName;
      eventAttrs = eventAttributes;
    }
    agent.endServerSpan(scope, attributesAtEnd, error, event, eventAttrs);
  }

  @Override
  public void end(long timestamp, TimeUnit unit) {
    end();
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public synchronized boolean isRecording() {
    return !ended;
  }

  private static Map<String, Object> toMap(Attributes attributes) {
    Map<String, Object> map = new LinkedHashMap<>();
    attributes.forEach((key, value) -> map.put(key.getKey(), value instanceof List ? value.toString() : value));
    return map;
  }
}
