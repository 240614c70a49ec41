package dev.upstreamguard.agent.telemetry;

import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.RequestScope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Collections;

/**
 * The parent of a guarded call's spans: the agent's own current span if there is one, else the server
 * span of the request the call is made for, as the servlet filter shared it through the bridge (the
 * application's OpenTelemetry is a different copy that the shaded SDK cannot read directly).
 */
final class ParentContexts {

    private ParentContexts() {}

    static Context current() {
        Context context = Context.current();
        if (Span.fromContext(context).getSpanContext().isValid()) {
            return context;
        }
        RequestScope scope = RequestBridge.current();
        if (scope == null || scope.traceparent() == null) {
            return context;
        }
        return extract(scope.traceparent(), scope.tracestate());
    }

    /** The context a W3C traceparent (and tracestate) describe, as a remote parent. */
    static Context extract(String traceparent, String tracestate) {
        Headers carrier = new Headers(traceparent, tracestate);
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, carrier);
    }

    /** A two-header carrier, read without building a map. */
    private static final class Headers implements TextMapGetter<Headers> {
        private final String traceparent;
        private final String tracestate;

        Headers(String traceparent, String tracestate) {
            this.traceparent = traceparent;
            this.tracestate = tracestate;
        }

        @Override
        public Iterable<String> keys(Headers carrier) {
            return Collections.emptyList();
        }

        @Override
        public String get(Headers carrier, String key) {
            if ("traceparent".equals(key)) {
                return carrier.traceparent;
            }
            return "tracestate".equals(key) ? carrier.tracestate : null;
        }
    }
}
