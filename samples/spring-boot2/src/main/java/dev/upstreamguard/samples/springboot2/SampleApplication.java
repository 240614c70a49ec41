package dev.upstreamguard.samples.springboot2;

import dev.upstreamguard.filter.UpstreamGuardFilter;
import javax.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * The service: the javax filter's registration (no {@code web.xml} in a Spring Boot fat jar) and the
 * two HTTP clients, whose base URLs are the properties {@code inventory.url} and {@code pricing.url}.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    // upstream-guard-registration
    @Bean
    FilterRegistrationBean<UpstreamGuardFilter> upstreamGuardFilter() {
        FilterRegistrationBean<UpstreamGuardFilter> registration =
                new FilterRegistrationBean<>(new UpstreamGuardFilter());
        registration.setName("upstreamGuard");
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // outermost: it sees what escapes every other filter
        return registration;
    }
    // /upstream-guard-registration

    /** The inventory's client: {@code RestTemplate} over the JDK {@code HttpURLConnection}. */
    @Bean
    RestTemplate inventoryClient(@Value("${inventory.url}") String url) {
        return withBaseUrl(new RestTemplate(new SimpleClientHttpRequestFactory()), url);
    }

    /** The pricing's client: {@code RestTemplate} over Apache HttpClient 4. */
    @Bean
    RestTemplate pricingClient(@Value("${pricing.url}") String url) {
        return withBaseUrl(new RestTemplate(new HttpComponentsClientHttpRequestFactory()), url);
    }

    private static RestTemplate withBaseUrl(RestTemplate restTemplate, String url) {
        restTemplate.setUriTemplateHandler(new DefaultUriBuilderFactory(url));
        return restTemplate;
    }
}
