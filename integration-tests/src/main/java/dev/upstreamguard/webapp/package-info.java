/**
 * The sample shop the integration tests deploy: servlets that call an upstream with the JDK's HTTP
 * clients, behind the Upstream Guard filter, and turn a bad upstream answer into their own exception as
 * applications usually do.
 */
package dev.upstreamguard.webapp;
