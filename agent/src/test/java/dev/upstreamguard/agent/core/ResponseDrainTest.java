package dev.upstreamguard.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded drain of a response that will be retried. Uses the agent's real deadline watch. */
class ResponseDrainTest {

    @Test
    void aShortBodyIsReadToItsEndSoItsConnectionCanBeReused() {
        AtomicInteger aborts = new AtomicInteger();

        boolean ended = ResponseDrain.drain(new ByteArrayInputStream(new byte[2_000]), aborts::incrementAndGet);

        assertThat(ended).isTrue();
        assertThat(aborts).hasValue(0);
    }

    @Test
    void aBodyLongerThanTheByteBoundIsNotReadToItsEnd() {
        AtomicInteger aborts = new AtomicInteger();

        boolean ended = ResponseDrain.drain(
                new ByteArrayInputStream(new byte[ResponseDrain.MAX_BYTES * 2]), aborts::incrementAndGet);

        assertThat(ended).isFalse();
    }

    @Test
    void aReadThatBlocksIsAbortedOnceTheTimeBoundHasPassed() {
        BlockingBody body = new BlockingBody();
        long start = System.nanoTime();

        boolean ended = ResponseDrain.drain(body, body::abort);

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(ended).isFalse();
        assertThat(body.aborted).isTrue();
        // the 100 ms bound, plus the watch's and this loaded machine's latency; never the body's own pace
        assertThat(elapsedMs).isBetween(ResponseDrain.MAX_MILLIS, 2_000L);
    }

    /** A body whose next byte never comes, until the connection is aborted. */
    private static final class BlockingBody extends InputStream {
        volatile boolean aborted;

        @Override
        public synchronized int read() throws IOException {
            while (!aborted) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            throw new IOException("connection aborted");
        }

        synchronized void abort() {
            aborted = true;
            notifyAll();
        }
    }
}
