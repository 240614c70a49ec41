package dev.upstreamguard.agent.instrumentation.jettyclient;

import org.eclipse.jetty.io.Content;

/**
 * A response body handed to the application, telling its attempt of every chunk read, so that the read
 * timeout runs from the last one (Jetty's idle timeout counts the same way: a body the application does
 * not read makes no progress). Reads and demands go straight to Jetty's source.
 */
final class ProgressSource implements Content.Source {

    private final Content.Source source;
    private final JettyCall.AttemptState attempt;

    ProgressSource(Content.Source source, JettyCall.AttemptState attempt) {
        this.source = source;
        this.attempt = attempt;
    }

    @Override
    public long getLength() {
        return source.getLength();
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = source.read();
        if (chunk != null) {
            attempt.progress();
        }
        return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
        source.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        source.fail(failure);
    }

    @Override
    public void fail(Throwable failure, boolean last) {
        source.fail(failure, last);
    }

    @Override
    public boolean rewind() {
        return source.rewind();
    }
}
