package dev.upstreamguard.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** {@code java.net.HttpURLConnection}, as most code uses it. */
final class UrlConnectionDriver implements ClientDriver {

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    UrlConnectionDriver() {
        this(0, 0);
    }

    private UrlConnectionDriver(int connectTimeoutMillis, int readTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    @Override
    public ClientDriver withTimeouts(java.time.Duration connect, java.time.Duration read) {
        return new UrlConnectionDriver((int) connect.toMillis(), (int) read.toMillis());
    }

    @Override
    public Reply call(String method, String url, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        if (connectTimeoutMillis > 0) {
            c.setConnectTimeout(connectTimeoutMillis);
            c.setReadTimeout(readTimeoutMillis);
        }
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "text/plain");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = "";
        if (in != null) {
            try (in) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                text = buffer.toString(StandardCharsets.UTF_8);
            }
        }
        return new Reply(status, text, c.getHeaderFields());
    }

    @Override
    public boolean triesEveryAddressOfAName() {
        return false;
    }

    @Override
    public InFlight startCancellable(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        // the application's way to stop a blocked connection: disconnect() from another thread
        return Threads.inFlight(c::getResponseCode, thread -> c.disconnect());
    }

    @Override
    public Throwable callWithFailingBody(String url, IOException failure) throws IOException {
        // the body is written by the application before the call runs: its failure stays in its own code
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write("{\"id\":".getBytes(StandardCharsets.UTF_8));
            throw failure;
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public AutoCloseable holdConnections(String url, int count) throws IOException {
        java.util.List<InputStream> held = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(new URL(url).openConnection().getInputStream());
        }
        return () -> {
            for (InputStream in : held) {
                in.close();
            }
        };
    }

    @Override
    public Class<? extends Throwable> readTimeoutType() {
        return SocketTimeoutException.class;
    }

    @Override
    public Class<? extends Throwable> connectTimeoutType() {
        return SocketTimeoutException.class;
    }
}
