/**
 * The load-and-fault suite: a guarded application (filter and agent, in its own JVM) under concurrent
 * load while its upstream fails in turn, with figures per phase and honest bounds.
 */
package dev.upstreamguard.reliability;
