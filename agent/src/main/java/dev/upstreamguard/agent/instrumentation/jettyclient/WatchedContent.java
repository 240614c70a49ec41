package dev.upstreamguard.agent.instrumentation.jettyclient;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;

/**
 * A request body the application produces as it is sent (a stream, a path, async content), telling the
 * application's own failures (a missing file, a serializer error) from the connection's: whatever its
 * reads fail with is remembered. Such a body is sent once; Jetty reads it from one thread at a time.
 */
final class WatchedContent extends ForwardingSource implements Request.Content {

    private final Request.Content content;
    /** What reading the application's body failed with, or null. */
    volatile Throwable failure;

    WatchedContent(Request.Content content) {
        super(content);
        this.content = content;
    }

    @Override
    public String getContentType() {
        return content.getContentType();
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk;
        try {
            chunk = content.read();
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
        if (chunk != null && Content.Chunk.isFailure(chunk)) {
            failure = chunk.getFailure();
        }
        return chunk;
    }
}
