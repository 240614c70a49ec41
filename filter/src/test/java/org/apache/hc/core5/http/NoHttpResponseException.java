package org.apache.hc.core5.http;

/** Test stand-in with the name of Apache HttpCore 5's class, which is not on the test class path. */
public class NoHttpResponseException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    public NoHttpResponseException(String message) {
        super(message);
    }
}
