package org.apache.hc.client5.http;

/** Test stand-in with the name of Apache HttpClient 5's class, which is not on the test class path. */
public class ConnectTimeoutException extends java.net.SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public ConnectTimeoutException(String message) {
        super(message);
    }
}
