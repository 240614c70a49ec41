/**
 * Integration tests: they run in JVMs started with the real shaded agent jar as {@code -javaagent}
 * (see the failsafe executions in the agent's pom), talk to fault-injecting upstreams on 127.0.0.1 and
 * read the agent's spans at a local OTLP receiver. Nothing here may reference the agent's classes
 * other than the bootstrap bridge, which the agent itself puts on the bootstrap class path.
 */
package dev.upstreamguard.it;
