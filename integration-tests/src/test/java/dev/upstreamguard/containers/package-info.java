/**
 * One trace from the filter's server span to every upstream attempt, proven end to end: the sample shop
 * runs with the real shaded agent in a flat class path (embedded Jetty), as a WAR in Apache Tomcat 11 and
 * as a WAR in Jetty 12, each a child process of the test JVM, which runs the faulty upstreams and the OTLP
 * receiver that decodes what the agent (and the application) export.
 */
package dev.upstreamguard.containers;
