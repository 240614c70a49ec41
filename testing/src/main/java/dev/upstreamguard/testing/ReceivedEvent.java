package dev.upstreamguard.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A span event as {@link OtlpReceiver} decoded it. Immutable.
 *
 * @param name the event name
 * @param attributes values converted as in {@link ReceivedSpan}, in the order they were sent
 */
public record ReceivedEvent(String name, Map<String, Object> attributes) {

    /** Copies the attributes into an unmodifiable map. */
    public ReceivedEvent {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** The attribute's value as a string ({@code String.valueOf}), or null when absent. */
    public String attr(String key) {
        Object value = attributes.get(key);
        return value == null ? null : String.valueOf(value);
    }
}
