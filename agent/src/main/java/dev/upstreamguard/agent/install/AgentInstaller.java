package dev.upstreamguard.agent.install;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.upstreamguard.agent.config.AgentConfig;
import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallGuard;
import dev.upstreamguard.agent.core.Clock;
import dev.upstreamguard.agent.core.GuardPolicy;
import dev.upstreamguard.agent.core.HealthSnapshot;
import dev.upstreamguard.agent.core.Sleeper;
import dev.upstreamguard.agent.instrumentation.InstrumentationContext;
import dev.upstreamguard.agent.instrumentation.InstrumentationModule;
import dev.upstreamguard.agent.instrumentation.TypeInstrumentation;
import dev.upstreamguard.agent.telemetry.RequestRecording;
import dev.upstreamguard.agent.telemetry.Telemetry;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.HealthBridge;
import dev.upstreamguard.bootstrap.RequestBridge;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
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
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/** Wires the engine, the hooks and the instrumentation together; runs once, from {@code premain}. */
public final class AgentInstaller {

    private AgentInstaller() {}

    public static void install(AgentConfig config, Instrumentation instrumentation, String version) {
        LazyTelemetry telemetry = new LazyTelemetry();
        CallGuard guard = new CallGuard(
                config.newResolver(),
                new RequestRecording(telemetry),
                config.enforce(),
                Clock.SYSTEM,
                Sleeper.SYSTEM,
                () -> ThreadLocalRandom.current().nextDouble());
        Bridge.installErrorSink(AgentLog::internalError);

        List<InstrumentationModule> modules = modules(AgentInstaller.class.getClassLoader());
        InstrumentationContext context = new InstrumentationContext(guard, maxConnectTimeout(config));
        Map<String, String> builderHooks = new HashMap<>();
        List<InstrumentationModule> started = new ArrayList<>();
        List<TypeInstrumentation> types = new ArrayList<>();
        for (InstrumentationModule module : modules) {
            try {
                List<TypeInstrumentation> own = module.typeInstrumentations();
                module.start(context);
                started.add(module);
                types.addAll(own);
                for (TypeInstrumentation type : own) {
                    if (type.builderHook() != null) {
                        builderHooks.put(type.typeNames().iterator().next(), type.builderHook());
                    }
                }
            } catch (Throwable t) {
                // that client is left alone, the others are guarded
                AgentLog.internalError("starting the " + module.name() + " instrumentation", t);
            }
        }
        Bridge.installLibraries(new LibraryAdapters(guard, builderHooks));
        // Metrics are on whether or not tracing is. The SDK starts on the first span or metric and builds its
        // exporters' clients then: each module learns they are the agent's own.
        telemetry.startWith(
                task -> asAgentsOwn(started, 0, task),
                () -> Telemetry.start(version, config.tracingEnabled(), guard.dependencies()));

        instrument(instrumentation, config.debug(), types);

        HealthBridge.install(new HealthSnapshot(guard.dependencies(), Clock.SYSTEM));
        if (config.tracingEnabled()) {
            RequestBridge.installServerSpans(telemetry);
        }
    }

    /**
     * Every instrumentation package's module, listed in the agent jar's service file; one that cannot be
     * loaded is logged and skipped.
     */
    static List<InstrumentationModule> modules(ClassLoader agentLoader) {
        List<InstrumentationModule> modules = new ArrayList<>();
        Iterator<InstrumentationModule> found =
                ServiceLoader.load(InstrumentationModule.class, agentLoader).iterator();
        while (true) {
            try {
                if (!found.hasNext()) {
                    return modules;
                }
                modules.add(found.next());
            } catch (ServiceConfigurationError e) {
                AgentLog.internalError("loading an instrumentation module", e);
            }
        }
    }

    /** Runs {@code task} inside every started module's {@link InstrumentationModule#buildAgentOwnClients}. */
    private static void asAgentsOwn(List<InstrumentationModule> modules, int from, Runnable task) {
        if (from == modules.size()) {
            task.run();
        } else {
            modules.get(from).buildAgentOwnClients(() -> asAgentsOwn(modules, from + 1, task));
        }
    }

    /**
     * What the agent never transforms: every type but those a module names, and synthetic types. By name
     * first: ByteBuddy hands a loading type to this rule before anything else, a name costs a set lookup,
     * and any other property ({@code isSynthetic()}, super types) makes it parse the class file. So the
     * application's own classes and its libraries' pass through without being read.
     */
    static ElementMatcher.Junction<TypeDescription> ignored(List<TypeInstrumentation> types) {
        Set<String> instrumented = new HashSet<>();
        for (TypeInstrumentation type : types) {
            instrumented.addAll(type.typeNames());
        }
        return new IgnoredTypes(instrumented).or(isSynthetic());
    }

    /** A client serves every dependency, so its connect bound is the largest configured one. */
    private static long maxConnectTimeout(AgentConfig config) {
        long max = config.defaultPolicy().connectTimeoutMillis();
        for (GuardPolicy policy : config.dependencyPolicies().values()) {
            max = Math.max(max, policy.connectTimeoutMillis());
        }
        return max;
    }

    private static void instrument(Instrumentation instrumentation, boolean debug, List<TypeInstrumentation> types) {
        ClassLoader agentLoader = AgentInstaller.class.getClassLoader();
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new ErrorListener(debug))
                .ignore(ignored(types))
                .assureReadEdgeTo(instrumentation, Bridge.class);
        for (TypeInstrumentation type : types) {
            AgentBuilder.Transformer.ForAdvice transformer = advice(agentLoader);
            for (TypeInstrumentation.MethodAdvice method : type.advice()) {
                transformer = transformer.advice(method.methods(), method.adviceClass());
            }
            builder = builder.type(type.type()).transform(transformer);
        }
        builder.installOn(instrumentation);
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
                .getDeclaredMethods()
                .filter(named("adviceError"))
                .getOnly();

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
        public void onError(
                String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            AgentLog.internalError("instrumenting " + typeName, throwable);
        }

        @Override
        public void onTransformation(
                TypeDescription typeDescription,
                ClassLoader classLoader,
                JavaModule module,
                boolean loaded,
                DynamicType dynamicType) {
            if (debug) {
                AgentLog.info("instrumented " + typeDescription.getName());
            }
        }
    }
}
