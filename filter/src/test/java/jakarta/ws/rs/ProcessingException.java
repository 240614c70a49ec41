package jakarta.ws.rs;

/** Test stand-in with the name of the JAX-RS class, which is not on the test class path. */
public class ProcessingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcessingException(String message, Throwable cause) {
        super(message, cause);
    }

    public ProcessingException(String message) {
        super(message);
    }
}
