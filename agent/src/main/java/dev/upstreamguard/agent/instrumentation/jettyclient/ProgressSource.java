package dev.upstreamguard.agent.instrumentation.jettyclient;

import org.eclipse.jetty.io.Content;

/**
 * A response body handed to the application, telling its attempt of every chunk read, so that the read
 * timeout runs from the last one (Jetty's idle timeout counts the same way: a body the application does
 * not read makes no progress). Reads and demands go straight to Jetty's source.
 */
final class ProgressSource extends ForwardingSource {

    private final JettyCall.AttemptState attempt;

    ProgressSource(Content.Source source, JettyCall.AttemptState attempt) {
        super(source);
        this.attempt = attempt;
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = source.read();
        if (chunk != null) {
            attempt.progress();
        }
        return chunk;
    }
}
