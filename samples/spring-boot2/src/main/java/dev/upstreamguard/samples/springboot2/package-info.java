/**
 * A Spring Boot 2.7 (javax.servlet) service with the javax Upstream Guard filter registered as a
 * {@code @Bean}, calling its inventory with {@code RestTemplate} over the JDK {@code HttpURLConnection}
 * and its pricing with {@code RestTemplate} over Apache HttpClient 4.
 */
package dev.upstreamguard.samples.springboot2;
