package dev.upstreamguard.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One accepted connection of a {@link FaultyUpstream}: reads requests and applies their faults. */
final class UpstreamConnection implements Runnable {

    private final Socket socket;
    private final int id;
    private final Function<RecordedRequest, Fault> onRequest;
    private final CountDownLatch closed;

    UpstreamConnection(Socket socket, int id, Function<RecordedRequest, Fault> onRequest, CountDownLatch closed) {
        this.socket = socket;
        this.id = id;
        this.onRequest = onRequest;
        this.closed = closed;
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true); // dribbled bytes leave one by one
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            boolean open = true;
            while (open && !isClosed()) {
                open = exchange(in, out);
            }
        } catch (HttpMessages.MalformedRequestException e) {
            answerBadRequest(e.getMessage());
        } catch (IOException e) {
            // the client went away or the upstream was closed: nothing to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly();
        }
    }

    /** Serves one request; returns whether the connection stays open for another. */
    private boolean exchange(InputStream in, OutputStream out) throws IOException, InterruptedException {
        HttpMessages.RequestHead head = HttpMessages.readHead(in);
        if (head == null) {
            return false;
        }
        if (head.hasToken("Expect", "100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = HttpMessages.readBody(in, head);
        Fault fault = onRequest.apply(new RecordedRequest(head.method, head.target, head.headers, body, id));
        boolean keepAlive = head.keepAlive() && !fault.closesConnection();
        if (pause(fault.delay)) {
            return false;
        }
        switch (fault.kind) {
            case RESPOND:
                respond(out, head.method, fault, keepAlive);
                return keepAlive;
            case RESET:
                socket.setSoLinger(true, 0); // close() now sends RST instead of FIN
                return false;
            case CLOSE:
                return false;
            case HANG:
                closed.await();
                return false;
            case STALL:
                HttpMessages.writeHead(out, fault.status, fault.declaredLength, fault.headers, keepAlive);
                out.write(HttpMessages.bytes(fault.body));
                out.flush();
                closed.await();
                return false;
            case DRIBBLE:
                return dribble(out, head.method, fault, keepAlive);
            case RAW_THEN_HANG:
            case RAW_THEN_CLOSE:
                out.write(fault.body.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (fault.kind == Fault.Kind.RAW_THEN_HANG) {
                    closed.await();
                }
                return false;
            default:
                throw new AssertionError(fault.kind);
        }
    }

    private static void respond(OutputStream out, String method, Fault fault, boolean keepAlive) throws IOException {
        byte[] body = HttpMessages.bytes(fault.body);
        HttpMessages.writeHead(out, fault.status, body.length, fault.headers, keepAlive);
        if (!HttpMessages.bodyless(method, fault.status)) {
            out.write(body);
        }
        out.flush();
    }

    private boolean dribble(OutputStream out, String method, Fault fault, boolean keepAlive)
            throws IOException, InterruptedException {
        byte[] body = HttpMessages.bytes(fault.body);
        HttpMessages.writeHead(out, fault.status, body.length, fault.headers, keepAlive);
        out.flush();
        if (HttpMessages.bodyless(method, fault.status)) {
            return keepAlive;
        }
        for (int i = 0; i < body.length; i++) {
            if (i > 0 && pause(fault.perByte)) {
                return false;
            }
            out.write(body[i]);
            out.flush();
        }
        return keepAlive;
    }

    /** Waits {@code d}; returns true if the upstream was closed meanwhile. */
    private boolean pause(Duration d) throws InterruptedException {
        return !d.isZero() && closed.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void answerBadRequest(String why) {
        try {
            OutputStream out = socket.getOutputStream();
            String body = "bad request: " + why;
            HttpMessages.writeHead(out, 400, HttpMessages.bytes(body).length, List.of(), false);
            out.write(HttpMessages.bytes(body));
            out.flush();
        } catch (IOException e) {
            // the client is gone already
        }
    }
}
