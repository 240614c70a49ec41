package dev.upstreamguard.filter;

import java.util.Map;

/** What the agent recorded about the request's failed upstream calls, as an {@link UpstreamFailure}. */
final class AgentFailures {
  private AgentFailures() {}

  /**
   * The request's most recent guarded call that ended in failure, as the agent saw it; null without the
   * agent or when no guarded call on this request failed.
   */
  static UpstreamFailure recorded(ServerSpan span, Throwable escaped) {
    Object scope = span.agentScope();
    AgentLink agent = span.agent();
    if (scope == null || agent == null) {
      return null;
    }
    Map<String, Object> call = agent.lastFailure(scope);
    if (call == null) {
      return null;
    }
    UpstreamFailureKind kind = UpstreamFailureKind.fromValue(String.valueOf(call.get("failure")));
    if (kind == null) {
      return null;
    }
    boolean named = Boolean.TRUE.equals(call.get("named"));
    String dependency = named ? (String) call.get("dependency") : null;
    Object attempts = call.get("attempts");
    return new UpstreamFailure(kind, dependency, (String) call.get("address"),
        attempts instanceof Integer ? (Integer) attempts : 0, escaped.getClass().getName());
  }
}
