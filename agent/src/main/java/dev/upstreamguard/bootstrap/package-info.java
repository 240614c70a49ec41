/**
 * The agent's bootstrap part: a few classes, JDK types only, appended to the bootstrap class path so
 * that advice inlined into any class (JDK or application) can reach the agent through them.
 * Nothing here may reference a class outside {@code java.*}.
 */
package dev.upstreamguard.bootstrap;
