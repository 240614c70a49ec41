package dev.upstreamguard.agent.instrumentation.jettyclient;

import org.eclipse.jetty.io.Content;

/** A content source that hands every call to another; subclasses watch what goes through {@link #read}. */
abstract class ForwardingSource implements Content.Source {

    final Content.Source source;

    ForwardingSource(Content.Source source) {
        this.source = source;
    }

    @Override
    public long getLength() {
        return source.getLength();
    }

    @Override
    public Content.Chunk read() {
        return source.read();
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
