package dev.upstreamguard.agent.instrumentation.apache4;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Apache HttpClient 4.5.x: the protocol exec chain wrapped as each client is built. */
@AutoService(InstrumentationModule.class)
public final class Apache4Module implements InstrumentationModule {

    @Override
    public String name() {
        return "apache4";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(TypeInstrumentation.named("org.apache.http.impl.client.HttpClientBuilder")
                .advise(named("decorateProtocolExec").and(takesArguments(1)), Apache4Advice.DecorateProtocolExec.class)
                .builderHook("dev.upstreamguard.agent.instrumentation.apache4.Apache4Guard"));
    }
}
