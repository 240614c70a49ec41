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
    /** How many host:port pairs are cached; beyond MAX_CACHED new ones are resolved each time. */
    private volatile int cachedPairs;

    /**
     * @param rules         the configured rules, in any order
     * @param defaultPolicy the policy of unnamed upstreams and the base of named ones
     * @param namedPolicies per-name policies (a name absent here uses the default policy)
     */
    public DependencyResolver(List<Rule> rules, GuardPolicy defaultPolicy, Map<String, GuardPolicy> namedPolicies) {
        this(rules, defaultPolicy, namedPolicies, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): the jitter of the dependencies' breakers */
    public DependencyResolver(List<Rule> rules, GuardPolicy defaultPolicy, Map<String, GuardPolicy> namedPolicies,
                              java.util.function.DoubleSupplier random) {
        this.random = random;
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort((a, b) -> Integer.compare(b.specificity(), a.specificity()));
        this.rules = Collections.unmodifiableList(sorted);
        this.defaultPolicy = defaultPolicy;
        this.namedPolicies = Map.copyOf(namedPolicies);
    }

    /** The dependency of a request to {@code host:port}; never null. Allocation-free once cached. */
    public Dependency resolve(String host, int port) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT); // the same instance when already lower case
        HostEntry entry = cache.get(h);
        if (entry != null) {
            Dependency known = entry.find(port);
            if (known != null) {
                return known;
            }
        }
        Dependency dependency = lookup(h, port, h + ':' + port);
        if (cachedPairs < MAX_CACHED) {
            if (entry == null) {
                HostEntry fresh = new HostEntry();
                entry = cache.putIfAbsent(h, fresh);
                if (entry == null) {
                    entry = fresh;
                }
            }
            return entry.add(port, dependency, this);
        }
        return dependency;
    }

    /** The dependencies of one host, by port: a host has few ports, so a copy-on-write array serves. */
    private static final class HostEntry {
        private volatile int[] ports = new int[0];
        private volatile Dependency[] dependencies = new Dependency[0];

        Dependency find(int port) {
            int[] p = ports;
            Dependency[] d = dependencies;
            for (int i = 0; i < p.length && i < d.length; i++) {
                if (p[i] == port) {
                    return d[i];
                }
            }
            return null;
        }

        synchronized Dependency add(int port, Dependency dependency, DependencyResolver owner) {
            Dependency raced = find(port);
            if (raced != null) {
                return raced;
            }
            int n = ports.length;
            Dependency[] d = java.util.Arrays.copyOf(dependencies, n + 1);
            d[n] = dependency;
            int[] p = java.util.Arrays.copyOf(ports, n + 1);
            p[n] = port;
            dependencies = d; // published before the ports, which find() reads first
            ports = p;
            owner.cachedCount();
            return dependency;
        }
    }

    private synchronized void cachedCount() {
        cachedPairs++;
    }

    private Dependency lookup(String host, int port, String key) {
        for (Rule rule : rules) {
            if (rule.matches(host, port)) {
                return byName.computeIfAbsent(rule.name,
                        n -> new Dependency(n, true, namedPolicies.getOrDefault(n, defaultPolicy), random));
            }
        }
        return new Dependency(key, false, defaultPolicy, random);
    }
}
