package dev.upstreamguard.agent.instrumentation.jettyclient;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.instrumentation.BuilderHook;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.URI;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * Takes over {@code HttpRequest.send(listener)}: the call's attempts are copies of the request sent by a
 * {@link JettyCall}, which notifies the application's listeners as Jetty would have. Passes through the
 * sends of the attempts themselves and of the follow-ups Jetty makes within one (a redirect, an
 * authentication), which it tells by the conversation they belong to. Loaded beside the application's
 * Jetty; thread-safe.
 */
public final class JettyClientGuard implements BuilderHook<HttpRequest, Object> {

    private final CallGuard guard;
    /** {@code HttpRequest.getHttpClient()}, protected: the client whose scheduler and timeouts a call uses. */
    private final MethodHandle clientOf;

    public JettyClientGuard(CallGuard guard) throws ReflectiveOperationException {
        this.guard = guard;
        Method getter = HttpRequest.class.getDeclaredMethod("getHttpClient");
        getter.setAccessible(true); // throws for a Jetty on the module path: that application is left unguarded
        this.clientOf = MethodHandles.lookup().unreflect(getter);
    }

    /**
     * @param request the request being sent
     * @param value   the listener it is sent with (null for some of Jetty's own follow-ups)
     * @return {@code Boolean.TRUE} when the call is taken over, {@code value} when Jetty's own send must go on
     */
    @Override
    public Object onBuild(HttpRequest request, Object value) {
        if (value instanceof JettyCall.Listener || value instanceof JettyCall.AttemptState) {
            return value; // an attempt of ours
        }
        HttpConversation conversation = request.getConversation();
        Object owner = conversation.getAttribute(JettyCall.CALL);
        if (owner != null) {
            ((JettyCall) owner).followUp(); // a redirect or an authentication within an attempt
            return value;
        }
        if (value == null) {
            return null; // no listener to notify: Jetty's own send, unguarded
        }
        JettyCall call;
        CallRequest description;
        try {
            URI uri = request.getURI();
            description = describe(request, uri);
            call = new JettyCall(
                    request,
                    uri,
                    (HttpClient) clientOf.invoke(request),
                    (Response.CompleteListener) value,
                    description.replayable());
        } catch (Throwable t) {
            AgentLog.internalError("Jetty request mapping", t);
            return value;
        }
        conversation.setAttribute(JettyCall.CALL, call);
        call.start(guard, description);
        return Boolean.TRUE;
    }

    private static CallRequest describe(HttpRequest request, URI uri) {
        String scheme = request.getScheme();
        Request.Content body = request.getBody();
        // bytes, a string or a form are in memory and rewind; a stream, a path or async content may not
        boolean replayable = body == null || body instanceof ByteBufferRequestContent;
        return new CallRequest(
                request.getMethod(),
                scheme,
                request.getHost(),
                CallRequest.portOf(scheme, request.getPort()),
                uri.toString(),
                replayable);
    }
}
