package dev.upstreamguard.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Where settings come from, highest first: system properties, environment variables (upper case,
 * {@code .} and {@code -} become {@code _}), the properties file named by
 * {@code upstreamguard.config.file}. Immutable snapshot, thread-safe.
 */
public final class ConfigSource {

    public static final String CONFIG_FILE_KEY = "upstreamguard.config.file";

    private final Properties systemProperties;
    private final Map<String, String> environment;
    private final Properties file;

    ConfigSource(Properties systemProperties, Map<String, String> environment, Properties file) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.file = file;
    }

    /** A source over this process's own properties, environment and configured file. */
    public static ConfigSource fromProcess(Consumer<String> problems) {
        return of(System.getProperties(), System.getenv(), problems);
    }

    /** A source over the given properties and environment; reads the file they name, if any. */
    public static ConfigSource of(
            Properties systemProperties, Map<String, String> environment, Consumer<String> problems) {
        Properties sys = new Properties();
        sys.putAll(systemProperties);
        ConfigSource withoutFile = new ConfigSource(sys, Map.copyOf(environment), new Properties());
        String fileName = withoutFile.get(CONFIG_FILE_KEY);
        Properties file = new Properties();
        if (fileName != null && !fileName.isBlank()) {
            Path path = Paths.get(fileName.trim());
            try (InputStream in = Files.newInputStream(path)) {
                file.load(in);
            } catch (IOException | RuntimeException e) {
                problems.accept(CONFIG_FILE_KEY + ": cannot read \"" + fileName.trim() + "\" ("
                        + e.getClass().getSimpleName() + "); using system properties, environment and defaults only");
            }
        }
        return new ConfigSource(sys, withoutFile.environment, file);
    }

    /** The value of {@code key}, or {@code null} when no source sets it. */
    public String get(String key) {
        String value = systemProperties.getProperty(key);
        if (value != null) {
            return value;
        }
        value = environment.get(envName(key));
        if (value != null) {
            return value;
        }
        return file.getProperty(key);
    }

    /** Where {@code key} was found, for messages: a system property, an environment variable or the file. */
    public String describe(String key) {
        if (systemProperties.getProperty(key) != null) {
            return key;
        }
        if (environment.get(envName(key)) != null) {
            return envName(key);
        }
        return key;
    }

    /** The property keys of the system properties and file that start with {@code prefix}. */
    public Set<String> propertyKeysStartingWith(String prefix) {
        Set<String> keys = new TreeSet<>();
        for (String k : systemProperties.stringPropertyNames()) {
            if (k.startsWith(prefix)) {
                keys.add(k);
            }
        }
        for (String k : file.stringPropertyNames()) {
            if (k.startsWith(prefix)) {
                keys.add(k);
            }
        }
        return Collections.unmodifiableSet(keys);
    }

    /** {@code upstreamguard.timeout.connect} becomes {@code UPSTREAMGUARD_TIMEOUT_CONNECT}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
