package org.apache.http.conn;

/** Test stand-in with the name of Apache HttpClient 4's class, which is not on the test class path. */
public class HttpHostConnectException extends java.net.ConnectException {
    private static final long serialVersionUID = 1L;

    public HttpHostConnectException(String message) {
        super(message);
    }
}
