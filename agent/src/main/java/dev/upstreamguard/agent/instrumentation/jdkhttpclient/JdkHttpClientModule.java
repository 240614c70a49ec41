package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import dev.upstreamguard.agent.core.DeadlineWatch;
import dev.upstreamguard.agent.instrumentation.InstrumentationContext;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import dev.upstreamguard.bootstrap.Bridge;
import java.util.List;

/** {@code java.net.http.HttpClient}: its internal classes advised directly (the client has no hook). */
@AutoService(InstrumentationModule.class)
public final class JdkHttpClientModule implements InstrumentationModule {

    private volatile JdkHttpClientHooks hooks;

    @Override
    public String name() {
        return "jdkhttpclient";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.named("jdk.internal.net.http.HttpClientFacade")
                        .advise(named("send").and(takesArguments(2)), HttpClientAdvice.Send.class)
                        .advise(
                                named("sendAsync")
                                        .and(isPublic())
                                        .and(takesArguments(2).or(takesArguments(3))),
                                HttpClientAdvice.SendAsync.class),
                TypeInstrumentation.named("jdk.internal.net.http.HttpClientImpl")
                        .advise(
                                named("sendAsync")
                                        .and(isPrivate())
                                        .and(takesArguments(4))
                                        .and(returns(named("java.util.concurrent.CompletableFuture"))),
                                HttpClientAdvice.InnerSendAsync.class),
                TypeInstrumentation.named("jdk.internal.net.http.HttpClientBuilderImpl")
                        .advise(named("build").and(takesArguments(0)), HttpClientAdvice.Build.class),
                TypeInstrumentation.named("jdk.internal.net.http.RequestPublishers$IterablePublisher")
                        .advise(isConstructor().and(takesArguments(1)), HttpClientAdvice.ByteArraysPublisher.class),
                TypeInstrumentation.named("jdk.internal.net.http.MultiExchange")
                        .advise(
                                named("retryOnFailure").and(returns(boolean.class)),
                                HttpClientAdvice.NoInternalRetry.class)
                        .advise(named("responseFilters").and(takesArguments(1)), HttpClientAdvice.FollowUp.class));
    }

    @Override
    public void start(InstrumentationContext context) {
        JdkHttpClientHooks started =
                new JdkHttpClientHooks(context.guard(), context.maxConnectTimeoutMillis(), DeadlineWatch.shared());
        hooks = started;
        Bridge.installHttpClient(started);
    }

    /** The SDK builds its exporters' {@code HttpClient} inside {@code task}: the hooks learn it is the agent's own. */
    @Override
    public void buildAgentOwnClients(Runnable task) {
        JdkHttpClientHooks started = hooks;
        if (started == null) {
            task.run();
        } else {
            started.buildInternalClients(task);
        }
    }
}
