package dev.upstreamguard.agent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a request's host and port to its {@link Dependency}. Rules are {@code host}, {@code host:port}
 * or {@code *.suffix}; the most specific wins ({@code host:port}, then {@code host}, then the longest
 * suffix). Unmatched upstreams become a dependency named {@code host:port} with the default policy.
 *
 * <p>Thread-safe. Results are cached (bounded), so each dependency keeps one retry budget.
 */
public final class DependencyResolver {

    static final int MAX_CACHED = 1024;

    /** One {@code name=pattern} entry of {@code upstreamguard.dependencies}. */
    public static final class Rule {
        final String name;
        final String host;
        final int port; // -1: any port
        final boolean suffix;

        private Rule(String name, String host, int port, boolean suffix) {
            this.name = name;
            this.host = host;
            this.port = port;
            this.suffix = suffix;
        }

        /**
         * Parses a pattern: {@code host}, {@code host:port} or {@code *.suffix}.
         *
         * @throws IllegalArgumentException when the pattern is none of these
         */
        public static Rule of(String name, String pattern) {
            String p = pattern.trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("*.")) {
                String suffix = p.substring(1);
                if (suffix.length() < 2 || !validHost(suffix.substring(1))) {
                    throw new IllegalArgumentException("\"" + pattern + "\" is not a host, host:port or *.suffix");
                }
                return new Rule(name, suffix, -1, true);
            }
            int colon = p.lastIndexOf(':');
            int port = -1;
            String host = p;
            if (colon > 0 && p.indexOf(':') == colon) {
                host = p.substring(0, colon);
                port = parsePort(p.substring(colon + 1));
                if (port < 0) {
                    throw new IllegalArgumentException("\"" + pattern + "\" has no valid port (1-65535)");
                }
            }
            if (!validHost(host)) {
                throw new IllegalArgumentException("\"" + pattern + "\" is not a host, host:port or *.suffix");
            }
            return new Rule(name, host, port, false);
        }

        public String name() {
            return name;
        }

        private int specificity() {
            if (suffix) {
                return host.length();
            }
            return port >= 0 ? 100_000 : 50_000;
        }

        private boolean matches(String h, int p) {
            if (suffix) {
                return h.endsWith(host);
            }
            return host.equals(h) && (port < 0 || port == p);
        }

        private static int parsePort(String s) {
            if (s.isEmpty() || s.length() > 5) {
                return -1;
            }
            for (int i = 0; i < s.length(); i++) {
                if (!Character.isDigit(s.charAt(i))) {
                    return -1;
                }
            }
            int port = Integer.parseInt(s);
            return port >= 1 && port <= 65535 ? port : -1;
        }

        private static boolean validHost(String h) {
            if (h.isEmpty() || h.length() > 253) {
                return false;
            }
            for (int i = 0; i < h.length(); i++) {
                char c = h.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Rule> rules;
    private final GuardPolicy defaultPolicy;
    private final Map<String, GuardPolicy> namedPolicies;
    private final java.util.function.DoubleSupplier random;
    private final Map<String, Dependency> byName = new ConcurrentHashMap<>();
    private final Map<String, HostEntry> cache = new ConcurrentHashMap<>();
    /** Advanced by each pair cached: the "time" of least-recently-used eviction. */
    private volatile long epoch;
    /** How many host:port pairs are cached; guarded by this. Never above MAX_CACHED. */
    private int cachedPairs;

    private volatile java.util.function.BiConsumer<Dependency, CircuitBreaker.State> transitionListener;

    /**
     * @param rules         the configured rules, in any order
     * @param defaultPolicy the policy of unnamed upstreams and the base of named ones
     * @param namedPolicies per-name policies (a name absent here uses the default policy)
     */
    public DependencyResolver(List<Rule> rules, GuardPolicy defaultPolicy, Map<String, GuardPolicy> namedPolicies) {
        this(
                rules,
                defaultPolicy,
                namedPolicies,
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): the jitter of the dependencies' breakers */
    public DependencyResolver(
            List<Rule> rules,
            GuardPolicy defaultPolicy,
            Map<String, GuardPolicy> namedPolicies,
            java.util.function.DoubleSupplier random) {
        this.random = random;
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort((a, b) -> Integer.compare(b.specificity(), a.specificity()));
        this.rules = Collections.unmodifiableList(sorted);
        this.defaultPolicy = defaultPolicy;
        this.namedPolicies = Map.copyOf(namedPolicies);
    }

    /**
     * The dependency of a request to {@code host:port}; never null. Allocation-free once cached. Past
     * {@link #MAX_CACHED} pairs, the least recently used pair is forgotten (and with it, for an unnamed
     * dependency, its budget and breaker); named dependencies themselves are kept.
     */
    public Dependency resolve(String host, int port) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT); // the same instance when already lower case
        HostEntry entry = cache.get(h);
        if (entry != null) {
            Dependency known = entry.find(port);
            if (known != null) {
                known.touch(epoch);
                return known;
            }
        }
        return cacheMiss(h, port);
    }

    private synchronized Dependency cacheMiss(String h, int port) {
        HostEntry entry = cache.get(h);
        Dependency known = entry == null ? null : entry.find(port);
        if (known == null) {
            known = lookup(h, port, h + ':' + port);
            if (cachedPairs >= MAX_CACHED) {
                evictLeastRecentlyUsed();
                entry = cache.get(h);
            }
            if (entry == null) {
                entry = new HostEntry();
                cache.put(h, entry);
            }
            entry.add(port, known);
            cachedPairs++;
            epoch++;
        }
        known.touch(epoch);
        return known;
    }

    /** Forgets the pair used longest ago. Scans the table: only ever on a new pair past the bound. */
    private void evictLeastRecentlyUsed() {
        String oldestHost = null;
        int oldestPort = 0;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, HostEntry> e : cache.entrySet()) {
            Slots slots = e.getValue().slots;
            for (int i = 0; i < slots.ports.length; i++) {
                long used = slots.dependencies[i].lastUsed();
                if (used < oldest) {
                    oldest = used;
                    oldestHost = e.getKey();
                    oldestPort = slots.ports[i];
                }
            }
        }
        if (oldestHost == null) {
            return;
        }
        HostEntry entry = cache.get(oldestHost);
        if (entry.remove(oldestPort)) {
            cache.remove(oldestHost);
        }
        cachedPairs--;
    }

    /**
     * Tells {@code listener} of every breaker state change of every dependency, those known now and those
     * met later; set once, at start-up.
     */
    public synchronized void onBreakerTransition(
            java.util.function.BiConsumer<Dependency, CircuitBreaker.State> listener) {
        this.transitionListener = listener;
        forEachDependency(this::listen);
    }

    private void listen(Dependency dependency) {
        java.util.function.BiConsumer<Dependency, CircuitBreaker.State> listener = transitionListener;
        CircuitBreaker breaker = dependency.breaker();
        if (listener != null && breaker != null) {
            breaker.onTransition(state -> listener.accept(dependency, state));
        }
    }

    /**
     * Hands each dependency tracked now to {@code action} once (a named dependency reached through several
     * addresses included once). Weakly consistent: pairs added meanwhile may be missed.
     */
    public void forEachDependency(java.util.function.Consumer<Dependency> action) {
        for (HostEntry entry : cache.values()) {
            for (Dependency dependency : entry.slots.dependencies) {
                if (!dependency.named()) {
                    action.accept(dependency);
                }
            }
        }
        for (Dependency dependency : byName.values()) {
            action.accept(dependency);
        }
    }

    /** How many host:port pairs are cached now. */
    synchronized int cachedPairs() {
        return cachedPairs;
    }

    /** One host's ports and their dependencies, replaced as a whole so a reader always sees a matching pair. */
    private static final class Slots {
        static final Slots EMPTY = new Slots(new int[0], new Dependency[0]);
        final int[] ports;
        final Dependency[] dependencies;

        Slots(int[] ports, Dependency[] dependencies) {
            this.ports = ports;
            this.dependencies = dependencies;
        }
    }

    /** The dependencies of one host, by port: a host has few ports, so a copy-on-write array serves. */
    private static final class HostEntry {
        private volatile Slots slots = Slots.EMPTY;

        Dependency find(int port) {
            Slots s = slots;
            int[] p = s.ports;
            for (int i = 0; i < p.length; i++) {
                if (p[i] == port) {
                    return s.dependencies[i];
                }
            }
            return null;
        }

        /** Called under the resolver's lock. */
        void add(int port, Dependency dependency) {
            Slots s = slots;
            int n = s.ports.length;
            int[] p = java.util.Arrays.copyOf(s.ports, n + 1);
            Dependency[] d = java.util.Arrays.copyOf(s.dependencies, n + 1);
            p[n] = port;
            d[n] = dependency;
            slots = new Slots(p, d);
        }

        /** Called under the resolver's lock; returns true when the host has no port left. */
        boolean remove(int port) {
            Slots s = slots;
            int n = s.ports.length;
            int[] p = new int[n - 1];
            Dependency[] d = new Dependency[n - 1];
            for (int i = 0, j = 0; i < n; i++) {
                if (s.ports[i] != port) {
                    p[j] = s.ports[i];
                    d[j] = s.dependencies[i];
                    j++;
                }
            }
            slots = new Slots(p, d);
            return p.length == 0;
        }
    }

    private Dependency lookup(String host, int port, String key) {
        for (Rule rule : rules) {
            if (rule.matches(host, port)) {
                Dependency named = byName.get(rule.name);
                if (named == null) {
                    named = new Dependency(
                            rule.name, true, namedPolicies.getOrDefault(rule.name, defaultPolicy), random);
                    byName.put(rule.name, named);
                    listen(named);
                }
                return named;
            }
        }
        Dependency unnamed = new Dependency(key, false, defaultPolicy, random);
        listen(unnamed);
        return unnamed;
    }
}
