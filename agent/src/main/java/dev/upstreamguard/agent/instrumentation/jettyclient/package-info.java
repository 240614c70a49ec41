/**
 * Jetty HttpClient 12.x ({@code org.eclipse.jetty.client}): {@code HttpRequest.send(CompleteListener)}, which
 * the blocking {@code send()} goes through too, hands the request to {@link
 * dev.upstreamguard.agent.instrumentation.jettyclient.JettyClientGuard}; each attempt is a copy of it in its
 * conversation, and the application's listeners hear only the attempt whose response (or failure) it gets.
 * Jetty 9 to 11 name their API {@code org.eclipse.jetty.client.api}: this adapter does not serve them.
 */
package dev.upstreamguard.agent.instrumentation.jettyclient;
