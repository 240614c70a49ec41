package dev.upstreamguard.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.agent.core.CallObserver;
import dev.upstreamguard.agent.core.CallRequest;
import dev.upstreamguard.agent.core.Dependency;
import dev.upstreamguard.agent.core.GuardPolicy;
import dev.upstreamguard.agent.telemetry.Telemetry;
import dev.upstreamguard.bootstrap.ServerSpanHooks;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The SDK starts on first use, once, on a thread that inherits nothing from the application's. */
class LazyTelemetryTest {

    private static final CallRequest GET =
            new CallRequest("GET", "http", "inventory.internal", 8080, "http://inventory.internal:8080/items", true);
    private static final Dependency INVENTORY = new Dependency("inventory", true, GuardPolicy.defaults());

    /** The trace the stand-in SDK hands out, told apart from the no-op one by identity. */
    private final CallObserver.CallTrace traced = CallObserver.NOOP.startCall(GET, INVENTORY);

    private final AtomicInteger starts = new AtomicInteger();
    private final List<String> order = new ArrayList<>();

    private Telemetry sdk(ServerSpanHooks serverSpans) {
        starts.incrementAndGet();
        CallObserver observer = (request, dependency) -> new CallObserver.CallTrace() {
            @Override
            public CallObserver.AttemptTrace startAttempt(
                    int number, long connectTimeoutMillis, long readTimeoutMillis) {
                return traced.startAttempt(number, connectTimeoutMillis, readTimeoutMillis);
            }

            @Override
            public String toString() {
                return "traced";
            }
        };
        return Telemetry.of(observer, serverSpans);
    }

    private LazyTelemetry lazy(java.util.function.Supplier<Telemetry> starter) {
        LazyTelemetry telemetry = new LazyTelemetry();
        telemetry.startWith(
                task -> {
                    order.add("as the agent's own");
                    task.run();
                },
                starter);
        return telemetry;
    }

    @Test
    void nothingStartsUntilTheFirstCallWhichIsTraced() {
        LazyTelemetry telemetry = lazy(() -> sdk(null));

        assertThat(telemetry.started()).isFalse();
        assertThat(starts).hasValue(0);

        CallObserver.CallTrace first = telemetry.startCall(GET, INVENTORY);

        assertThat(first).hasToString("traced");
        assertThat(telemetry.started()).isTrue();
        assertThat(order).containsExactly("as the agent's own");
        telemetry.startCall(GET, INVENTORY);
        assertThat(starts).hasValue(1);
    }

    @Test
    void concurrentFirstCallsStartItOnceAndAreAllTraced() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LazyTelemetry telemetry = lazy(() -> {
            try {
                release.await(30, TimeUnit.SECONDS); // every caller arrives while it is starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sdk(null);
        });
        int callers = 6;
        List<Thread> threads = new ArrayList<>();
        List<String> traces = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch arrived = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(() -> {
                arrived.countDown();
                traces.add(telemetry.startCall(GET, INVENTORY).toString());
            });
            t.start();
            threads.add(t);
        }
        assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }

        assertThat(starts).hasValue(1);
        assertThat(traces).hasSize(callers).containsOnly("traced");
    }

    @Test
    void theStartThreadInheritsNothingFromTheApplicationThread() throws Exception {
        InheritableThreadLocal<String> requestScoped = new InheritableThreadLocal<>();
        AtomicReference<ClassLoader> loader = new AtomicReference<>();
        AtomicReference<String> inherited = new AtomicReference<>("not run");
        AtomicReference<Boolean> daemon = new AtomicReference<>();
        LazyTelemetry telemetry = lazy(() -> {
            loader.set(Thread.currentThread().getContextClassLoader());
            inherited.set(requestScoped.get());
            daemon.set(Thread.currentThread().isDaemon());
            return sdk(null);
        });
        ClassLoader webapp = new URLClassLoader(new URL[0], null);
        Thread caller = new Thread(() -> {
            Thread.currentThread().setContextClassLoader(webapp);
            requestScoped.set("the application's");
            telemetry.startCall(GET, INVENTORY);
        });

        caller.start();
        caller.join(30_000);

        assertThat(loader.get()).isSameAs(LazyTelemetry.class.getClassLoader()).isNotSameAs(webapp);
        assertThat(inherited.get()).isNull();
        assertThat(daemon.get()).isTrue();
    }

    @Test
    void theFiltersFirstServerSpanStartsItToo() {
        Object[] started = {"span", "00-trace-span-01", null};
        List<Object> ended = new ArrayList<>();
        ServerSpanHooks hooks = new ServerSpanHooks() {
            @Override
            public Object[] start(String name, Map<String, Object> attributes, String traceparent, String tracestate) {
                return started;
            }

            @Override
            public void end(
                    Object span,
                    Map<String, Object> attributes,
                    String errorType,
                    String eventName,
                    Map<String, Object> eventAttributes) {
                ended.add(span);
            }
        };
        LazyTelemetry telemetry = lazy(() -> sdk(hooks));

        telemetry.end("a span from before", Map.of(), null, null, null); // nothing started: nothing to end
        assertThat(telemetry.started()).isFalse();

        assertThat(telemetry.start("GET /orders", Map.of(), null, null)).isSameAs(started);
        telemetry.end("span", Map.of(), null, null, null);

        assertThat(starts).hasValue(1);
        assertThat(ended).containsExactly("span");
    }

    @Test
    void withoutTracingTheFilterGetsNoServerSpan() {
        LazyTelemetry telemetry = lazy(() -> sdk(null));

        assertThat(telemetry.start("GET /orders", Map.of(), null, null)).isNull();
        assertThat(starts).hasValue(1);
    }

    @Test
    void aStartThatFailsLeavesCallsGuardedWithoutSpans() {
        LazyTelemetry telemetry = lazy(() -> {
            throw new IllegalStateException("no SDK");
        });

        CallObserver.CallTrace trace = telemetry.startCall(GET, INVENTORY);

        assertThat(trace).isNotNull().doesNotHaveToString("traced");
        assertThat(telemetry.started()).isTrue();
        assertThat(telemetry.start("GET /orders", Map.of(), null, null)).isNull();
    }

    @Test
    void anInterruptedFirstCallGoesOnUntracedAndKeepsItsInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LazyTelemetry telemetry = lazy(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sdk(null);
        });
        AtomicReference<String> trace = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            Thread.currentThread().interrupt();
            trace.set(telemetry.startCall(GET, INVENTORY).toString());
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });

        caller.start();
        caller.join(30_000);
        release.countDown();

        assertThat(trace.get()).isNotEqualTo("traced");
        assertThat(stillInterrupted.get()).isTrue();
        // the start went on in the background: the next call is traced, and nothing started twice
        assertThat(telemetry.startCall(GET, INVENTORY)).hasToString("traced");
        assertThat(starts).hasValue(1);
    }
}
