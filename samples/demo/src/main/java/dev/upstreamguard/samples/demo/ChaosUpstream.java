package dev.upstreamguard.samples.demo;

import dev.upstreamguard.testing.Fault;
import dev.upstreamguard.testing.FaultyUpstream;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * One named upstream service on 127.0.0.1 whose behaviour is switched at run time: {@link
 * ChaosMode#HEALTHY healthy}, {@link ChaosMode#FLAKY flaky}, {@link ChaosMode#SLOW slow} or {@link
 * ChaosMode#DOWN down}. It counts the attempts that reached it (requests read completely, including
 * those then reset or delayed); a refused connection never reaches it.
 *
 * <p>Built on the project's {@link FaultyUpstream}: {@code down} closes the listener, and leaving
 * {@code down} listens again on the same port. The flaky sequence comes from a seeded random number
 * generator, so two upstreams with the same seed fail the same way. Thread-safe.
 */
public final class ChaosUpstream implements AutoCloseable {

    /** How long a slow answer takes: more than the read timeout the demo gives the agent. */
    public static final Duration SLOW_HEAD = Duration.ofSeconds(3);

    /** Share of flaky answers that are 503, in percent. */
    static final int FLAKY_503_PERCENT = 30;
    /** Share of flaky answers that are connection resets, in percent. */
    static final int FLAKY_RESET_PERCENT = 10;
    // More scripted answers than a demo phase can ask for; after them the upstream answers 200.
    private static final int FLAKY_SCRIPT_LENGTH = 5_000;

    private final String name;
    private final String body;
    private final int port;
    private final long seed;
    private FaultyUpstream server; // null while down; guarded by this
    private ChaosMode mode = ChaosMode.HEALTHY; // guarded by this
    private int attemptsOfClosedServers; // guarded by this
    private int phaseStart; // guarded by this
    private int phase; // guarded by this

    private ChaosUpstream(String name, String body, long seed) {
        this.name = Objects.requireNonNull(name, "name");
        this.body = Objects.requireNonNull(body, "body");
        this.seed = seed;
        this.server = FaultyUpstream.start(0);
        this.port = server.port();
        server.otherwise(Fault.ok(body));
    }

    /** Starts a healthy upstream on a free port that answers {@code body}. */
    public static ChaosUpstream start(String name, String body, long seed) {
        return new ChaosUpstream(name, body, seed);
    }

    /** The dependency's name, e.g. {@code inventory}. */
    public String name() {
        return name;
    }

    /** The port, the same in every mode. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The current mode. */
    public synchronized ChaosMode mode() {
        return mode;
    }

    /** Switches to this mode; the next request (or connection, for {@code down}) sees it. */
    public synchronized void mode(ChaosMode next) {
        Objects.requireNonNull(next, "mode");
        if (next == ChaosMode.DOWN) {
            if (server != null) {
                attemptsOfClosedServers += server.hits();
                server.close();
                server = null;
            }
        } else {
            if (server == null) {
                server = FaultyUpstream.start(port);
            }
            int before = server.hits();
            server.reset(); // clears the script and the count: keep the count
            attemptsOfClosedServers += before;
            server.otherwise(next == ChaosMode.SLOW ? Fault.ok(body).delayed(SLOW_HEAD) : Fault.ok(body));
            if (next == ChaosMode.FLAKY) {
                server.enqueue(flakyScript(new Random(seed + 31L * phase++)));
            }
        }
        mode = next;
    }

    /** Every attempt that reached this upstream since it started. */
    public synchronized int attempts() {
        return attemptsOfClosedServers + (server == null ? 0 : server.hits());
    }

    /** Starts counting {@link #attemptsSinceMark()} from now. */
    public synchronized void mark() {
        phaseStart = attempts();
    }

    /** The attempts that reached this upstream since the last {@link #mark()}. */
    public synchronized int attemptsSinceMark() {
        return attempts() - phaseStart;
    }

    /** Stops listening and ends every open connection and delayed answer. Idempotent. */
    @Override
    public synchronized void close() {
        if (server != null) {
            attemptsOfClosedServers += server.hits();
            server.close();
            server = null;
        }
    }

    @Override
    public String toString() {
        return "ChaosUpstream[" + name + " " + hostPort() + ", " + mode().label() + "]";
    }

    private Fault[] flakyScript(Random random) {
        Fault ok = Fault.ok(body);
        Fault unavailable = Fault.status(503);
        Fault reset = Fault.resetBeforeHead();
        Fault[] script = new Fault[FLAKY_SCRIPT_LENGTH];
        for (int i = 0; i < script.length; i++) {
            int roll = random.nextInt(100);
            script[i] = roll < FLAKY_503_PERCENT
                    ? unavailable
                    : roll < FLAKY_503_PERCENT + FLAKY_RESET_PERCENT ? reset : ok;
        }
        return script;
    }
}
