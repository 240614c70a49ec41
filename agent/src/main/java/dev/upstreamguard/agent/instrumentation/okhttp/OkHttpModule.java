package dev.upstreamguard.agent.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** OkHttp 4.x and 5.x: our interceptor added as each client is made; the request scope handed to enqueued calls. */
@AutoService(InstrumentationModule.class)
public final class OkHttpModule implements InstrumentationModule {

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.named("okhttp3.OkHttpClient")
                        .advise(
                                isConstructor()
                                        .and(takesArguments(1))
                                        .and(takesArgument(0, named("okhttp3.OkHttpClient$Builder"))),
                                OkHttpAdvice.Construct.class)
                        .builderHook("dev.upstreamguard.agent.instrumentation.okhttp.OkHttpGuard"),
                TypeInstrumentation.named("okhttp3.internal.connection.RealCall")
                        .advise(named("enqueue").and(takesArguments(1)), OkHttpAdvice.Enqueue.class));
    }
}
