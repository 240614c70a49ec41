package dev.upstreamguard.agent.instrumentation.urlconnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The application's request body stream: keeps the body for a replay up to {@code limit} bytes; past
 * it, starts the call's single attempt and writes through to its JDK connection from then on. With a
 * fixed length, refuses more bytes than declared, as the JDK's stream does.
 */
final class BodyBuffer extends OutputStream {

    /** Starts the call's single attempt and returns its JDK connection's request body stream. */
    interface Streaming {
        OutputStream start() throws IOException;
    }

    private final long limit;
    private final long fixedLength;
    private final Streaming streaming;
    private ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private OutputStream through;
    private long written;
    private boolean closed;

    BodyBuffer(long limit, long fixedLength, Streaming streaming) {
        this.limit = limit;
        this.fixedLength = fixedLength;
        this.streaming = streaming;
    }

    boolean passingThrough() {
        return through != null;
    }

    /** True when a fixed length was declared and fewer bytes were written. */
    boolean missingBytes() {
        return fixedLength != -1 && written < fixedLength;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (through != null) {
            through.write(b, off, len);
            written += len;
            return;
        }
        if (closed || kept == null) {
            return; // like the JDK's buffer: writes after close are dropped
        }
        if (fixedLength != -1 && written + len > fixedLength) {
            throw new IOException("too many bytes written");
        }
        if (written + len > limit) {
            passThrough().write(b, off, len);
        } else {
            kept.write(b, off, len);
        }
        written += len;
    }

    /** Starts the single attempt and hands it what was kept so far. */
    private OutputStream passThrough() throws IOException {
        OutputStream out = streaming.start();
        kept.writeTo(out);
        kept = null;
        through = out;
        return out;
    }

    void writeTo(OutputStream out) throws IOException {
        if (kept != null) {
            kept.writeTo(out);
        }
    }

    void release() {
        kept = null;
    }

    @Override
    public void flush() throws IOException {
        if (through != null) {
            through.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (through != null) {
            through.close();
            return;
        }
        if (!closed && missingBytes()) {
            throw new IOException("insufficient data written");
        }
        closed = true;
    }
}
