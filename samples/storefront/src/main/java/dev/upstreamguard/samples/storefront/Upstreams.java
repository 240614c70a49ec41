package dev.upstreamguard.samples.storefront;

import java.net.URI;
import java.util.Locale;

/**
 * Where the storefront's three upstream services are: system property {@code
 * storefront.NAME.url}, else environment variable {@code STOREFRONT_NAME_URL}, else {@code
 * http://127.0.0.1:900x}.
 */
final class Upstreams {

    private Upstreams() {}

    static URI inventory() {
        return base("inventory", "http://127.0.0.1:9001");
    }

    static URI pricing() {
        return base("pricing", "http://127.0.0.1:9002");
    }

    static URI payments() {
        return base("payments", "http://127.0.0.1:9003");
    }

    private static URI base(String name, String fallback) {
        String value = System.getProperty("storefront." + name + ".url");
        if (value == null || value.isBlank()) {
            value = System.getenv("STOREFRONT_" + name.toUpperCase(Locale.ROOT) + "_URL");
        }
        if (value == null || value.isBlank()) {
            value = fallback;
        }
        return URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    }
}
