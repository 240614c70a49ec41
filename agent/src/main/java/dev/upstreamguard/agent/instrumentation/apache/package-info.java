/**
 * What the Apache HttpClient 4 and 5 adapters share, in no Apache type: the attempt's shape (the
 * application's body watched, the attempt's timeouts swapped into the context's {@code RequestConfig}
 * and put back), the bounded discard of a retried response, and reading a builder's private settings.
 * Loaded by the agent's class loader; the adapters beside the library extend it.
 */
package dev.upstreamguard.agent.instrumentation.apache;
