package dev.upstreamguard.agent.install;

import dev.upstreamguard.agent.core.AgentLog;
import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.telemetry.Telemetry;
import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.ServerSpanHooks;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The OpenTelemetry SDK, started on first use instead of in {@code premain}: the first guarded call (or
 * the first SERVER span the filter asks for) starts it and is traced, and an application that makes no
 * call pays nothing for it, not at start-up and not at exit (a dead collector included).
 *
 * <p>The SDK is built on a thread of the agent's own, so that the threads it starts (batch processor,
 * metric reader, the exporter's {@code HttpClient}) inherit nothing from the application's thread: not
 * its context class loader, not its inheritable thread-locals, not its access-control context, any of
 * which would pin a web application's class loader. The calling thread waits for it, at most {@link
 * #MAX_WAIT_MILLIS}; the call then goes on untraced and the start completes in the background.
 *
 * <p>Thread-safe. After the start, each use is one volatile read.
 */
final class LazyTelemetry implements CallObserver, ServerSpanHooks {

    /** Far above a start on a loaded machine (1 to 2 s), far below a call the application would give up on. */
    static final long MAX_WAIT_MILLIS = 10_000;

    private final Object lock = new Object();
    /** Set once, before the hooks are installed. */
    private volatile Consumer<Runnable> asAgentsOwn;

    private volatile Supplier<Telemetry> starter;
    private volatile Telemetry telemetry;
    /** The thread building the SDK; null before and after. Guarded by {@link #lock}. */
    private Thread starting;

    /**
     * @param asAgentsOwn runs the start so that the HTTP clients it builds are known as the agent's own
     * @param starter     builds the SDK ({@link Telemetry#NONE} on failure)
     */
    void startWith(Consumer<Runnable> asAgentsOwn, Supplier<Telemetry> starter) {
        this.asAgentsOwn = asAgentsOwn;
        this.starter = starter;
    }

    /** Whether the SDK has been started (for tests and diagnostics). */
    boolean started() {
        return telemetry != null;
    }

    @Override
    public CallTrace startCall(CallRequest request, Dependency dependency) {
        Telemetry t = telemetry;
        if (t == null) {
            t = awaitStart();
        }
        return t.observer().startCall(request, dependency);
    }

    @Override
    public Object[] start(
            String name, Map<String, Object> attributes, String incomingTraceparent, String incomingTracestate) {
        Telemetry t = telemetry;
        if (t == null) {
            t = awaitStart();
        }
        ServerSpanHooks hooks = t.serverSpans();
        return hooks == null ? null : hooks.start(name, attributes, incomingTraceparent, incomingTracestate);
    }

    @Override
    public void end(
            Object span,
            Map<String, Object> attributes,
            String errorType,
            String eventName,
            Map<String, Object> eventAttributes) {
        Telemetry t = telemetry;
        ServerSpanHooks hooks = t == null ? null : t.serverSpans();
        if (hooks != null) {
            hooks.end(span, attributes, errorType, eventName, eventAttributes);
        }
    }

    /** Starts the SDK unless it is starting, and waits for it; {@link Telemetry#NONE} if it takes too long. */
    private Telemetry awaitStart() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        synchronized (lock) {
            if (telemetry != null) {
                return telemetry;
            }
            if (starting == Thread.currentThread()) {
                return Telemetry.NONE; // the SDK's own start made a guarded call: never wait for ourselves
            }
            if (starting == null) {
                starting = newStartThread();
                starting.start();
            }
            boolean interrupted = false;
            try {
                long left;
                while (telemetry == null && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        interrupted = true; // the call goes on untraced; the application sees its interrupt
                        break;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (telemetry != null) {
                return telemetry;
            }
        }
        AgentLog.warnOnce(
                "telemetry-start-slow",
                "OpenTelemetry is still starting; calls are guarded without" + " spans until it is up");
        return Telemetry.NONE;
    }

    private Thread newStartThread() {
        Runnable build = () -> {
            Telemetry[] built = {Telemetry.NONE};
            try {
                asAgentsOwn.accept(() -> built[0] = starter.get());
            } catch (Throwable e) {
                // Telemetry.start reports its own failures; this is a bug of ours, counted like one
                Bridge.recordError();
                AgentLog.warnOnce(
                        "telemetry-start-failed",
                        "OpenTelemetry could not be set up (" + e.getClass().getName()
                                + "); calls are guarded without spans");
            }
            synchronized (lock) {
                telemetry = built[0];
                starting = null;
                lock.notifyAll();
            }
        };
        // doPrivileged: the new thread's inherited access-control context holds the agent's frames only
        PrivilegedAction<Thread> create = () -> {
            Thread thread = new Thread(null, build, "upstream-guard-telemetry-start", 0, false);
            thread.setDaemon(true);
            thread.setContextClassLoader(LazyTelemetry.class.getClassLoader());
            return thread;
        };
        @SuppressWarnings("removal")
        Thread thread = AccessController.doPrivileged(create);
        return thread;
    }
}
