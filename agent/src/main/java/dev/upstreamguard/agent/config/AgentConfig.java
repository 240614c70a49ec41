package dev.upstreamguard.agent.config;

import dev.upstreamguard.agent.core.DependencyResolver;
import dev.upstreamguard.agent.core.GuardPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The agent's settings, parsed and validated once. Every invalid value is reported through the
 * problem sink in one line naming the key, the value and what was expected, and replaced by its
 * default. Immutable and thread-safe.
 */
public final class AgentConfig {

    public static final String PREFIX = "upstreamguard.";
    public static final String ENABLED = PREFIX + "enabled";
    public static final String MODE = PREFIX + "mode";
    public static final String DEPENDENCIES = PREFIX + "dependencies";
    public static final String DEPENDENCY_PREFIX = PREFIX + "dependency.";
    public static final String TRACING_ENABLED = PREFIX + "tracing.enabled";
    /** Not part of the contract: prints each instrumented class, for troubleshooting. */
    public static final String DEBUG = PREFIX + "debug";

    private static final Set<String> TOP_LEVEL_KEYS =
            Set.of(ENABLED, MODE, DEPENDENCIES, TRACING_ENABLED, DEBUG, ConfigSource.CONFIG_FILE_KEY);

    private final boolean enabled;
    private final boolean enforce;
    private final boolean tracingEnabled;
    private final boolean debug;
    private final GuardPolicy defaultPolicy;
    private final List<DependencyResolver.Rule> rules;
    private final Map<String, GuardPolicy> dependencyPolicies;

    private AgentConfig(
            boolean enabled,
            boolean enforce,
            boolean tracingEnabled,
            boolean debug,
            GuardPolicy defaultPolicy,
            List<DependencyResolver.Rule> rules,
            Map<String, GuardPolicy> dependencyPolicies) {
        this.enabled = enabled;
        this.enforce = enforce;
        this.tracingEnabled = tracingEnabled;
        this.debug = debug;
        this.defaultPolicy = defaultPolicy;
        this.rules = Collections.unmodifiableList(rules);
        this.dependencyPolicies = Collections.unmodifiableMap(dependencyPolicies);
    }

    /** Reads every setting from {@code source}; problems go to {@code problems}, one line each. */
    public static AgentConfig load(ConfigSource source, Consumer<String> problems) {
        Reader r = new Reader(source, problems);
        boolean enabled = r.bool(ENABLED, true);
        boolean enforce = r.mode();
        boolean tracing = r.bool(TRACING_ENABLED, true);
        boolean debug = r.bool(DEBUG, false);
        GuardPolicy defaults = r.policy(PREFIX, GuardPolicy.defaults());

        List<DependencyResolver.Rule> rules = new ArrayList<>();
        Map<String, GuardPolicy> policies = new LinkedHashMap<>();
        for (String[] entry : r.dependencies()) {
            String name = entry[0];
            try {
                rules.add(DependencyResolver.Rule.of(name, entry[1]));
            } catch (IllegalArgumentException ex) {
                r.problem(DEPENDENCIES, name + "=" + entry[1], ex.getMessage() + "; entry ignored");
                continue;
            }
            policies.computeIfAbsent(name, n -> r.policy(DEPENDENCY_PREFIX + n + ".", defaults));
        }
        r.reportUnknownKeys(policies.keySet());
        return new AgentConfig(enabled, enforce, tracing, debug, defaults, rules, policies);
    }

    public boolean enabled() {
        return enabled;
    }

    /** False in {@code observe} mode. */
    public boolean enforce() {
        return enforce;
    }

    public boolean tracingEnabled() {
        return tracingEnabled;
    }

    /** True when each instrumented class is to be printed. */
    public boolean debug() {
        return debug;
    }

    public GuardPolicy defaultPolicy() {
        return defaultPolicy;
    }

    public List<DependencyResolver.Rule> dependencyRules() {
        return rules;
    }

    /** The policy of each named dependency, overrides applied. */
    public Map<String, GuardPolicy> dependencyPolicies() {
        return dependencyPolicies;
    }

    /** A resolver over these rules and policies. */
    public DependencyResolver newResolver() {
        return new DependencyResolver(rules, defaultPolicy, dependencyPolicies);
    }

    /** Parses values and reports problems. */
    private static final class Reader {
        private final ConfigSource source;
        private final Consumer<String> problems;

        Reader(ConfigSource source, Consumer<String> problems) {
            this.source = source;
            this.problems = problems;
        }

        boolean bool(String key, boolean fallback) {
            String v = source.get(key);
            if (v == null) {
                return fallback;
            }
            String t = v.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return true;
            }
            if (t.equals("false")) {
                return false;
            }
            problem(key, v, "is not true or false; using " + fallback);
            return fallback;
        }

        boolean mode() {
            String v = source.get(MODE);
            if (v == null) {
                return true;
            }
            String t = v.trim().toLowerCase(Locale.ROOT);
            if (t.equals("enforce")) {
                return true;
            }
            if (t.equals("observe")) {
                return false;
            }
            problem(MODE, v, "is not enforce or observe; using enforce");
            return true;
        }

        GuardPolicy policy(String prefix, GuardPolicy base) {
            GuardPolicy.Builder builder = base.toBuilder();
            for (PolicyKey key : PolicyKey.values()) {
                String name = prefix + key.suffix();
                String v = source.get(name);
                if (v == null) {
                    continue;
                }
                GuardPolicy.Builder attempt = builder.build().toBuilder();
                try {
                    key.apply(attempt, v);
                    builder = attempt;
                } catch (PolicyKey.NotOfKind e) {
                    problem(name, v, "is not " + key.kind().expected + "; using " + key.format(base));
                } catch (IllegalArgumentException e) {
                    problem(name, v, "is out of range: " + e.getMessage() + "; using " + key.format(base));
                }
            }
            GuardPolicy policy = builder.build();
            boolean setHere = source.get(prefix + PolicyKey.RETRY_BACKOFF_INITIAL.suffix()) != null
                    || source.get(prefix + PolicyKey.RETRY_BACKOFF_MAX.suffix()) != null;
            if (setHere && policy.backoffInitialMillis() > policy.backoffMaxMillis()) {
                problem(
                        prefix + PolicyKey.RETRY_BACKOFF_INITIAL.suffix(),
                        PolicyKey.RETRY_BACKOFF_INITIAL.format(policy),
                        "is above " + prefix + PolicyKey.RETRY_BACKOFF_MAX.suffix() + " ("
                                + PolicyKey.RETRY_BACKOFF_MAX.format(policy) + "); waits are capped at the maximum");
            }
            String openMax = source.get(prefix + PolicyKey.BREAKER_OPEN_DURATION_MAX.suffix());
            long openMaxMillis = openMax == null ? Durations.INVALID : Durations.parseMillis(openMax.trim());
            if (openMaxMillis != Durations.INVALID && openMaxMillis > 0 && openMaxMillis < policy.breakerOpenMillis()) {
                problem(
                        prefix + PolicyKey.BREAKER_OPEN_DURATION_MAX.suffix(),
                        openMax,
                        "is below "
                                + prefix + PolicyKey.BREAKER_OPEN_DURATION.suffix() + " ("
                                + PolicyKey.BREAKER_OPEN_DURATION.format(policy) + "); using "
                                + PolicyKey.BREAKER_OPEN_DURATION.format(policy));
            }
            return policy;
        }

        /** {@code {name, pattern}} entries in their written order; a name may have several patterns. */
        List<String[]> dependencies() {
            List<String[]> entries = new ArrayList<>();
            String v = source.get(DEPENDENCIES);
            if (v == null || v.isBlank()) {
                return entries;
            }
            for (String raw : v.split(",")) {
                String entry = raw.trim();
                if (entry.isEmpty()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                String name = eq > 0 ? entry.substring(0, eq).trim() : "";
                if (eq <= 0 || !validName(name) || entry.substring(eq + 1).isBlank()) {
                    problem(
                            DEPENDENCIES,
                            entry,
                            "is not name=host, name=host:port or name=*.suffix"
                                    + " (names: letters, digits, '-' and '_'); entry ignored");
                    continue;
                }
                entries.add(new String[] {name, entry.substring(eq + 1).trim()});
            }
            return entries;
        }

        void reportUnknownKeys(Set<String> dependencyNames) {
            for (String key : source.propertyKeysStartingWith(PREFIX)) {
                if (TOP_LEVEL_KEYS.contains(key) || isPolicyKey(key.substring(PREFIX.length()))) {
                    continue;
                }
                if (key.startsWith(DEPENDENCY_PREFIX)) {
                    String rest = key.substring(DEPENDENCY_PREFIX.length());
                    int dot = rest.indexOf('.');
                    String name = dot > 0 ? rest.substring(0, dot) : rest;
                    if (!dependencyNames.contains(name)) {
                        AgentConfig.warn(
                                problems,
                                key + ": no dependency named \"" + name + "\" in " + DEPENDENCIES + "; ignored");
                        continue;
                    }
                    if (dot > 0 && isPolicyKey(rest.substring(dot + 1))) {
                        continue;
                    }
                }
                AgentConfig.warn(problems, key + ": unknown setting; ignored");
            }
        }

        private static boolean isPolicyKey(String suffix) {
            for (PolicyKey k : PolicyKey.values()) {
                if (k.suffix().equals(suffix)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean validName(String name) {
            if (name.isEmpty() || name.length() > 64) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                    return false;
                }
            }
            return true;
        }

        void problem(String key, String value, String expected) {
            AgentConfig.warn(problems, source.describe(key) + ": \"" + printable(value) + "\" " + expected);
        }
    }

    private static void warn(Consumer<String> problems, String line) {
        problems.accept(line);
    }

    /** Values are echoed in messages: keep them on one line and short. */
    private static String printable(String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), 80));
        for (int i = 0; i < value.length() && sb.length() < 80; i++) {
            char c = value.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return value.length() > 80 ? sb + "..." : sb.toString();
    }
}
