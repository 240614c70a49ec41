package dev.upstreamguard.agent.instrumentation.jettyclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Jetty's HttpClient 12.x: every {@code HttpRequest.send(listener)} (the blocking {@code send()} too) is taken over. */
@AutoService(InstrumentationModule.class)
public final class JettyClientModule implements InstrumentationModule {

    @Override
    public String name() {
        return "jettyclient";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(TypeInstrumentation.named("org.eclipse.jetty.client.transport.HttpRequest")
                .advise(
                        named("send")
                                .and(takesArguments(1))
                                .and(takesArgument(0, named("org.eclipse.jetty.client.Response$CompleteListener"))),
                        JettyClientAdvice.Send.class)
                .builderHook("dev.upstreamguard.agent.instrumentation.jettyclient.JettyClientGuard"));
    }
}
