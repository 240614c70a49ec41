package dev.upstreamguard.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The opt-in dependency health endpoint ({@code health-path}): answers a {@code GET} (or {@code HEAD}) with
 * the agent's in-memory view of its dependencies as JSON, without calling the chain and without probing
 * anything, so it answers at once even while a dependency hangs. Every other method is answered {@code
 * 405}. Without the agent it answers {@code {"status":"UNKNOWN"}}. Thread-safe.
 */
final class HealthEndpoint {
    private static final String BRIDGE = "dev.upstreamguard.bootstrap.HealthBridge";
    private static final Logger LOGGER = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);

    /** The agent's health source, or null without the agent; looked up once. */
    static final Supplier<List<Map<String, Object>>> AGENT = agentSource();

    private HealthEndpoint() {}

    /** Answers the health request; {@code source} gives the dependencies, or null without an agent. */
    static void answer(
            HttpServletRequest request,
            HttpServletResponse response,
            FilterSettings settings,
            Supplier<List<Map<String, Object>>> source)
            throws IOException {
        String method = request.getMethod();
        response.setHeader("Cache-Control", "no-store");
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            response.setContentLength(0);
            return;
        }
        List<Map<String, Object>> dependencies = source == null ? null : source.get();
        boolean down = false;
        if (dependencies != null) {
            for (Map<String, Object> dependency : dependencies) {
                down |= "DOWN".equals(dependency.get("status"));
            }
        }
        boolean answerDown = down && settings.healthDownStatus() != 200;
        byte[] body =
                json(dependencies, settings.exposeDependency(), answerDown).getBytes(StandardCharsets.UTF_8);
        response.setStatus(answerDown ? settings.healthDownStatus() : HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        if ("GET".equals(method)) {
            response.getOutputStream().write(body);
        }
    }

    /**
     * The answer's JSON: the top-level {@code status} ({@code UNKNOWN} without the agent, {@code DOWN} when
     * {@code down}, else {@code UP}) and each dependency that {@code expose} lets the answer name.
     */
    static String json(List<Map<String, Object>> dependencies, ExposeDependency expose, boolean down) {
        StringBuilder json = new StringBuilder(256).append("{\"status\":");
        if (dependencies == null) {
            return json.append("\"UNKNOWN\"}").toString();
        }
        json.append(down ? "\"DOWN\"" : "\"UP\"").append(",\"dependencies\":{");
        boolean first = true;
        for (Map<String, Object> dependency : dependencies) {
            boolean named = Boolean.TRUE.equals(dependency.get("named"));
            // an unnamed dependency's name is its host:port: an address, only shown under expose-dependency=address
            if (expose == ExposeDependency.NONE || (!named && expose != ExposeDependency.ADDRESS)) {
                continue;
            }
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonText.appendString(json, String.valueOf(dependency.get("name")));
            json.append(":{\"status\":");
            JsonText.appendString(json, String.valueOf(dependency.get("status")));
            Object breaker = dependency.get("breaker");
            if (breaker != null) {
                json.append(",\"breaker\":");
                JsonText.appendString(json, breaker.toString());
                Object next = dependency.get("nextProbeInSeconds");
                if (next instanceof Number) {
                    json.append(",\"nextProbeInSeconds\":").append(((Number) next).longValue());
                }
                json.append(",\"window\":{\"attempts\":")
                        .append(number(dependency.get("attempts")))
                        .append(",\"failed\":")
                        .append(number(dependency.get("failed")))
                        .append(",\"failureRate\":")
                        .append(rate(dependency.get("failureRate")))
                        .append('}');
            }
            Object lastFailure = dependency.get("lastFailure");
            Object lastFailureAt = dependency.get("lastFailureAt");
            if (lastFailure != null && lastFailureAt instanceof Number) {
                json.append(",\"lastFailure\":");
                JsonText.appendString(json, lastFailure.toString());
                json.append(",\"lastFailureAt\":\"")
                        .append(Instant.ofEpochMilli(((Number) lastFailureAt).longValue())
                                .truncatedTo(ChronoUnit.SECONDS))
                        .append('"');
            }
            json.append('}');
        }
        return json.append("}}").toString();
    }

    private static long number(Object value) {
        return value instanceof Number ? ((Number) value).longValue() : 0;
    }

    private static String rate(Object value) {
        double rate = value instanceof Number ? ((Number) value).doubleValue() : 0;
        return Double.toString(Math.round(rate * 1000) / 1000.0);
    }

    @SuppressWarnings("unchecked")
    private static Supplier<List<Map<String, Object>>> agentSource() {
        try {
            Class<?> bridge = Class.forName(BRIDGE, true, null); // the boot class path only
            MethodHandle dependencies =
                    MethodHandles.publicLookup().findStatic(bridge, "dependencies", MethodType.methodType(List.class));
            return () -> {
                try {
                    return (List<Map<String, Object>>) dependencies.invoke();
                } catch (Throwable e) {
                    LOGGER.log(
                            Level.WARNING,
                            "The Upstream Guard agent's health could not be read ("
                                    + e.getClass().getName() + ")");
                    return null;
                }
            };
        } catch (ClassNotFoundException noAgent) {
            return null;
        } catch (Throwable e) {
            LOGGER.log(
                    Level.WARNING,
                    "The Upstream Guard agent is attached but its health cannot be read ("
                            + e.getClass().getName() + "); the health endpoint answers UNKNOWN");
            return null;
        }
    }
}
