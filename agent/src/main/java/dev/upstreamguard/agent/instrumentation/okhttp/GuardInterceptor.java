package dev.upstreamguard.agent.instrumentation.okhttp;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Throwables;
import dev.upstreamguard.bootstrap.RequestBridge;
import dev.upstreamguard.bootstrap.RequestScope;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The first application interceptor of every OkHttp client: runs the engine's attempts, each one a
 * {@code chain.proceed} with the attempt's timeouts and trace headers. OkHttp's own redirects, pool
 * and network interceptors run inside each attempt. Serves {@code execute} and {@code enqueue} (whose
 * interceptors run on OkHttp's dispatcher threads) alike. Thread-safe.
 */
final class GuardInterceptor implements Interceptor {

    private final CallGuard guard;

    GuardInterceptor(CallGuard guard) {
        this.guard = guard;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        CallRequest call = describe(request);
        if (call == null) {
            return chain.proceed(request);
        }
        // an enqueued call runs on a dispatcher thread: take over the scope of the thread that queued it
        RequestScope handedOver = RequestBridge.current() == null ? RequestBridge.takeOver(chain.call()) : null;
        Object previous = handedOver == null ? null : RequestBridge.attach(handedOver);
        try {
            return guard.execute(call, new OkHttpExchange(chain, request));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        } finally {
            if (handedOver != null) {
                RequestBridge.detach(previous);
            }
        }
    }

    private static CallRequest describe(Request request) {
        try {
            HttpUrl url = request.url();
            RequestBody body = request.body();
            // a one-shot or duplex body streams from the application once: it cannot be sent again
            boolean replayable = body == null || !(body.isOneShot() || body.isDuplex());
            return new CallRequest(request.method(), url.scheme(), url.host(), url.port(), url.toString(), replayable);
        } catch (RuntimeException e) {
            AgentLog.internalError("OkHttp request mapping", e);
            return null;
        }
    }
}
