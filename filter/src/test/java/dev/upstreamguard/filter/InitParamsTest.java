package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing and validation of the init-params, through {@link UpstreamGuardFilter#init}. */
class InitParamsTest {

    @Test
    void defaultsWhenNothingIsSet() throws Exception {
        FilterSettings settings = FilterSettings.parse(Collections.emptyList(), name -> null);

        assertThat(settings.failureStatus()).isEqualTo(502);
        assertThat(settings.timeoutStatus()).isEqualTo(504);
        assertThat(settings.exposeDependency()).isEqualTo(ExposeDependency.NAME);
        assertThat(settings.upstreamExceptions()).isEmpty();
        new UpstreamGuardFilter().init(config(Map.of()));
    }

    @Test
    void validValuesAreTakenTrimmed() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("failure-status", " 503 ");
        params.put("timeout-status", "599");
        params.put("expose-dependency", "address");
        params.put("upstream-exceptions", "com.example.A, com.example.Outer$Inner ,,com.example.A,");

        FilterSettings settings = FilterSettings.parse(params.keySet(), params::get);

        assertThat(settings.failureStatus()).isEqualTo(503);
        assertThat(settings.timeoutStatus()).isEqualTo(599);
        assertThat(settings.statusFor(UpstreamFailureKind.TIMEOUT)).isEqualTo(599);
        assertThat(settings.statusFor(UpstreamFailureKind.RESET)).isEqualTo(503);
        assertThat(settings.exposeDependency()).isEqualTo(ExposeDependency.ADDRESS);
        assertThat(settings.upstreamExceptions()).containsExactly("com.example.A", "com.example.Outer$Inner");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "failure-status|abc|init-param failure-status: \"abc\" is not a server error status (expected a number from 500 to 599, e.g. 502)",
                "failure-status|404|init-param failure-status: \"404\" is not a server error status (expected a number from 500 to 599, e.g. 502)",
                "failure-status|600|init-param failure-status: \"600\" is not a server error status",
                "failure-status|0502|init-param failure-status: \"0502\" is not a server error status",
                "failure-status|''|init-param failure-status: \"\" is not a server error status",
                "timeout-status|5O4|init-param timeout-status: \"5O4\" is not a server error status (expected a number from 500 to 599, e.g. 504)",
                "expose-dependency|host|init-param expose-dependency: \"host\" is not a known value (expected one of name, address, none)",
                "expose-dependency|NAME|init-param expose-dependency: \"NAME\" is not a known value (expected one of name, address, none)",
                "upstream-exceptions|com.example.Ok, not a class|init-param upstream-exceptions: \"not a class\" in \"com.example.Ok, not a class\" is not a class name (expected fully qualified exception class names separated by commas, e.g. com.example.InventoryDownException)",
                "upstream-exceptions|com..Double|init-param upstream-exceptions: \"com..Double\"",
                "upstream-exceptions|com.example.9Lives|init-param upstream-exceptions: \"com.example.9Lives\"",
                "failure_status|502|unknown init-param \"failure_status\" (expected one of failure-status, timeout-status, expose-dependency, upstream-exceptions, unavailable-status, health-path, health-down-status, request-timeout)",
                "health-path|health|init-param health-path: \"health\" is not a path (expected one starting with /, e.g. /upstream-guard/health; default: none, off)",
                "health-path|/health?x=1|init-param health-path: \"/health?x=1\" is not a path",
                "health-down-status|DOWN|init-param health-down-status: \"DOWN\" is not an HTTP status (expected a number from 200 to 599, e.g. 503; default 200)",
                "health-down-status|199|init-param health-down-status: \"199\" is not an HTTP status",
                "unavailable-status|404|init-param unavailable-status: \"404\" is not a server error status (expected a number from 500 to 599, e.g. 503)",
                "unavailable-status|-503|init-param unavailable-status: \"-503\" is not a server error status",
                "unavailable-status|busy|init-param unavailable-status: \"busy\" is not a server error status",
                "unavailable-status|0|init-param unavailable-status: \"0\" is not a server error status",
                "request-timeout|2|init-param request-timeout: \"2\" is not a duration from 1ms to 24h (expected e.g. 250ms, 2s, 1m, 1h; default: none",
                "request-timeout|0s|init-param request-timeout: \"0s\" is not a duration from 1ms to 24h",
                "request-timeout|-1s|init-param request-timeout: \"-1s\" is not a duration",
                "request-timeout|25h|init-param request-timeout: \"25h\" is not a duration from 1ms to 24h",
                "request-timeout|2 s|init-param request-timeout: \"2 s\" is not a duration",
                "request-timeout|9999999999ms|init-param request-timeout: \"9999999999ms\" is not a duration",
                "request-timeout|soon|init-param request-timeout: \"soon\" is not a duration",
            })
    void invalidInitParamFailsInitNamingParameterValueAndExpectation(String name, String value, String expected) {
        UpstreamGuardFilter filter = new UpstreamGuardFilter();

        assertThatThrownBy(() -> filter.init(config(Map.of(name, value))))
                .isInstanceOf(ServletException.class)
                .hasMessageStartingWith("Filter \"upstreamGuard\" (dev.upstreamguard.filter.UpstreamGuardFilter): ")
                .hasMessageContaining(expected);
    }

    @Test
    void inARealContainerTheApplicationDoesNotStart() throws Exception {
        try (GuardedJetty jetty = new GuardedJetty()) {
            jetty.context(
                    "/app",
                    Map.of("failure-status", "bad-gateway"),
                    null,
                    Map.of(
                            "/ok",
                            Servlets.of(
                                    (request, response) -> response.getWriter().write("fine"))));

            assertThatThrownBy(jetty::start)
                    .satisfies(e -> assertThat(causeChainMessages(e))
                            .contains("Filter \"upstreamGuard\""
                                    + " (dev.upstreamguard.filter.UpstreamGuardFilter): init-param failure-status: \"bad-gateway\" is not a"
                                    + " server error status (expected a number from 500 to 599, e.g. 502)"));
        }
    }

    private static String causeChainMessages(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
            for (Throwable suppressed : t.getSuppressed()) {
                messages.append(causeChainMessages(suppressed));
            }
        }
        return messages.toString();
    }

    /** A FilterConfig as a container builds it from web.xml. */
    static FilterConfig config(Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "upstreamGuard";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
