package dev.upstreamguard.agent.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import dev.upstreamguard.agent.instrumentation.InstrumentationContext;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import dev.upstreamguard.bootstrap.Bridge;
import java.util.List;

/** {@code HttpURLConnection}: the JDK's {@code http}/{@code https} URL stream handlers and its HTTP client. */
@AutoService(InstrumentationModule.class)
public final class UrlConnectionModule implements InstrumentationModule {

    @Override
    public String name() {
        return "urlconnection";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.namedOneOf(
                                "sun.net.www.protocol.http.Handler", "sun.net.www.protocol.https.Handler")
                        .advise(
                                named("openConnection").and(takesArguments(1).or(takesArguments(2))),
                                UrlConnectionAdvice.OpenConnection.class),
                TypeInstrumentation.named("sun.net.www.http.HttpClient")
                        .advise(named("parseHTTP"), UrlConnectionAdvice.NoInternalRetry.class));
    }

    @Override
    public void start(InstrumentationContext context) {
        Bridge.installUrlConnection(new UrlConnectionHooksImpl(context.guard()));
    }
}
