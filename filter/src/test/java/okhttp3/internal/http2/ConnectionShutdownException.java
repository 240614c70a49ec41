package okhttp3.internal.http2;

/** Test stand-in with the name of OkHttp's class, which is not on the test class path. */
public class ConnectionShutdownException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    public ConnectionShutdownException(String message) {
        super(message);
    }
}
