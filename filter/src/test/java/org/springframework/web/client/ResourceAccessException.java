package org.springframework.web.client;

/** Test stand-in with the name of Spring's class, which is not on the test class path. */
public class ResourceAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResourceAccessException(String message, java.io.IOException cause) {
        super(message, cause);
    }

    public ResourceAccessException(String message) {
        super(message);
    }
}
