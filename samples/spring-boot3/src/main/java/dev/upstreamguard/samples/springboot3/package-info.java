/**
 * A Spring Boot 3 service with the Upstream Guard filter registered as a {@code @Bean}, calling its
 * inventory with {@code RestClient} (JDK {@code HttpClient}) and its pricing with {@code RestTemplate}
 * (Apache HttpClient 5).
 */
package dev.upstreamguard.samples.springboot3;
