package dev.upstreamguard.agent.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Settings fed in as system properties and environment variables; problem lines collected in order. */
final class ConfigFixture {
    final Properties properties = new Properties();
    final Map<String, String> environment = new HashMap<>();
    final List<String> problems = new ArrayList<>();

    ConfigFixture property(String key, String value) {
        properties.setProperty(key, value);
        return this;
    }

    ConfigFixture env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    ConfigSource source() {
        return ConfigSource.of(properties, environment, problems::add);
    }

    AgentConfig load() {
        return AgentConfig.load(source(), problems::add);
    }
}
