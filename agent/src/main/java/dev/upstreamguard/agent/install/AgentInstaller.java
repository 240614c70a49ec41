package dev.upstreamguard.agent.install;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.upstreamguard.agent.config.AgentConfig;
import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.Clock;
import dev.upstreamguard.agent.core.DeadlineWatch;
import dev.upstreamguard.agent.core.GuardPolicy;
import dev.upstreamguard.agent.core.HealthSnapshot;
import dev.upstreamguard.agent.core.RequestRecording;
import dev.upstreamguard.agent.core.Sleeper;
import dev.upstreamguard.agent.instrumentation.jdkhttpclient.HttpClientAdvice;
import dev.upstreamguard.agent.instrumentation.jdkhttpclient.JdkHttpClientHooks;
import dev.upstreamguard.agent.instrumentation.urlconnection.UrlConnectionAdvice;
import dev.upstreamguard.agent.instrumentation.urlconnection.UrlConnectionHooksImpl;
import dev.upstreamguard.agent.telemetry.Telemetry;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.HealthBridge;
import dev.upstreamguard.bootstrap.RequestBridge;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.ThreadLocalRandom;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.constant.TextConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.utility.JavaModule;

/** Wires the engine, the hooks and the instrumentation together; runs once, from {@code premain}. */
public final class AgentInstaller {

    private static final String INSTRUMENTATION = "dev.upstreamguard.agent.instrumentation.";

    private AgentInstaller() {}

    public static void install(AgentConfig config, Instrumentation instrumentation, String version) {
        LazyTelemetry telemetry = new LazyTelemetry();
        CallGuard guard = new CallGuard(config.newResolver(), new RequestRecording(telemetry), config.enforce(), Clock.SYSTEM,
                Sleeper.SYSTEM, () -> ThreadLocalRandom.current().nextDouble());
        JdkHttpClientHooks httpClientHooks =
                new JdkHttpClientHooks(guard, maxConnectTimeout(config), DeadlineWatch.system());
        // Metrics are on whether or not tracing is. The SDK starts on the first span or metric and builds its
        // exporters' HttpClient then: the hooks learn it is the agent's own.
        telemetry.startWith(httpClientHooks::buildInternalClients,
                () -> Telemetry.start(version, config.tracingEnabled(), guard.dependencies()));
        Bridge.install(httpClientHooks, new UrlConnectionHooksImpl(guard));
        Bridge.installLibraries(new LibraryAdapters(guard));
        Bridge.installErrorSink(AgentLog::internalError);

        instrument(instrumentation, config.debug());

        HealthBridge.install(new HealthSnapshot(guard.dependencies(), Clock.SYSTEM));
        if (config.tracingEnabled()) {
            RequestBridge.installServerSpans(telemetry);
        }
    }

    /** A client serves every dependency, so its connect bound is the largest configured one. */
    private static long maxConnectTimeout(AgentConfig config) {
        long max = config.defaultPolicy().connectTimeoutMillis();
        for (GuardPolicy policy : config.dependencyPolicies().values()) {
            max = Math.max(max, policy.connectTimeoutMillis());
        }
        return max;
    }

    private static void instrument(Instrumentation instrumentation, boolean debug) {
        ClassLoader agentLoader = AgentInstaller.class.getClassLoader();
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new ErrorListener(debug))
                // The default ignores every JDK class; we instrument a few by name and ignore ourselves. Names
                // first: isSynthetic() makes ByteBuddy parse the class file of every type it is asked about.
                .ignore(IgnoredTypes.INSTANCE.or(isSynthetic()))
                .assureReadEdgeTo(instrumentation, Bridge.class)
                .type(named("jdk.internal.net.http.HttpClientFacade"))
                .transform(advice(agentLoader)
                        .advice(named("send").and(takesArguments(2)), HttpClientAdvice.Send.class.getName())
                        .advice(named("sendAsync").and(isPublic()).and(takesArguments(2).or(takesArguments(3))),
                                HttpClientAdvice.SendAsync.class.getName()))
                .type(named("jdk.internal.net.http.HttpClientImpl"))
                .transform(advice(agentLoader)
                        .advice(named("sendAsync").and(isPrivate()).and(takesArguments(4))
                                        .and(returns(named("java.util.concurrent.CompletableFuture"))),
                                HttpClientAdvice.InnerSendAsync.class.getName()))
                .type(named("jdk.internal.net.http.HttpClientBuilderImpl"))
                .transform(advice(agentLoader)
                        .advice(named("build").and(takesArguments(0)), HttpClientAdvice.Build.class.getName()))
                .type(named("jdk.internal.net.http.RequestPublishers$IterablePublisher"))
                .transform(advice(agentLoader)
                        .advice(isConstructor().and(takesArguments(1)), HttpClientAdvice.ByteArraysPublisher.class.getName()))
                .type(named("jdk.internal.net.http.MultiExchange"))
                .transform(advice(agentLoader)
                        .advice(named("retryOnFailure").and(returns(boolean.class)),
                                HttpClientAdvice.NoInternalRetry.class.getName())
                        .advice(named("responseFilters").and(takesArguments(1)),
                                HttpClientAdvice.FollowUp.class.getName()))
                .type(named("sun.net.www.protocol.http.Handler").or(named("sun.net.www.protocol.https.Handler")))
                .transform(advice(agentLoader)
                        .advice(named("openConnection").and(takesArguments(1).or(takesArguments(2))),
                                UrlConnectionAdvice.OpenConnection.class.getName()))
                .type(named("sun.net.www.http.HttpClient"))
                .transform(advice(agentLoader)
                        .advice(named("parseHTTP"), UrlConnectionAdvice.NoInternalRetry.class.getName()))
                // Third-party clients, matched by name only: an application without them loads none of this.
                // Advice classes are named by string so that nothing here loads a library type.
                .type(named("okhttp3.OkHttpClient"))
                .transform(advice(agentLoader)
                        .advice(isConstructor().and(takesArguments(1))
                                        .and(takesArgument(0, named("okhttp3.OkHttpClient$Builder"))),
                                INSTRUMENTATION + "okhttp.OkHttpAdvice$Construct"))
                .type(named("okhttp3.internal.connection.RealCall"))
                .transform(advice(agentLoader)
                        .advice(named("enqueue").and(takesArguments(1)), INSTRUMENTATION + "okhttp.OkHttpAdvice$Enqueue"))
                .type(named("org.apache.hc.client5.http.impl.classic.HttpClientBuilder"))
                .transform(advice(agentLoader)
                        .advice(named("build").and(takesArguments(0)), INSTRUMENTATION + "apache5.Apache5Advice$Build"))
                .type(named("org.apache.http.impl.client.HttpClientBuilder"))
                .transform(advice(agentLoader)
                        .advice(named("decorateProtocolExec").and(takesArguments(1)),
                                INSTRUMENTATION + "apache4.Apache4Advice$DecorateProtocolExec"))
                .installOn(instrumentation);
    }

    /**
     * The transformer for every advice: advice classes found through {@code agentLoader}, and an advice
     * that throws reported to {@link Bridge#adviceError} (counted, logged once) instead of swallowed
     * silently by {@code suppress = Throwable.class}.
     */
    static AgentBuilder.Transformer.ForAdvice advice(ClassLoader agentLoader) {
        return new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .withExceptionHandler(AdviceErrors.INSTANCE);
    }

    /** Hands an advice's exception, and where it happened, to {@link Bridge#adviceError}. */
    enum AdviceErrors implements Advice.ExceptionHandler {
        INSTANCE;

        private static final MethodDescription.InDefinedShape REPORT = new TypeDescription.ForLoadedType(Bridge.class)
                .getDeclaredMethods().filter(named("adviceError")).getOnly();

        @Override
        public StackManipulation resolve(MethodDescription instrumentedMethod, TypeDescription instrumentedType) {
            // The exception is on the operand stack; the report takes it, then where it happened.
            return new StackManipulation.Compound(
                    new TextConstant(instrumentedType.getName() + '.' + instrumentedMethod.getInternalName()),
                    MethodInvocation.invoke(REPORT));
        }
    }

    /** Logs each failed transformation once (the rest keeps working); in debug mode, each success too. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        private final boolean debug;

        ErrorListener(boolean debug) {
            this.debug = debug;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            AgentLog.internalError("instrumenting " + typeName, throwable);
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
            if (debug) {
                AgentLog.info("instrumented " + typeDescription.getName());
            }
        }
    }
}
