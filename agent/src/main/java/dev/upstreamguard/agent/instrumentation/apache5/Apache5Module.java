package dev.upstreamguard.agent.instrumentation.apache5;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Apache HttpClient 5.x classic: our exec-chain handler added as each client is built. */
@AutoService(InstrumentationModule.class)
public final class Apache5Module implements InstrumentationModule {

    @Override
    public String name() {
        return "apache5";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(TypeInstrumentation.named("org.apache.hc.client5.http.impl.classic.HttpClientBuilder")
                .advise(named("build").and(takesArguments(0)), Apache5Advice.Build.class)
                .builderHook("dev.upstreamguard.agent.instrumentation.apache5.Apache5Guard"));
    }
}
