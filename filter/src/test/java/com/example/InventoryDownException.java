package com.example;

/** Stands for an application's own exception for a failed dependency, named in {@code upstream-exceptions}. */
public class InventoryDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InventoryDownException(String message) {
        super(message);
    }

    /** A subclass: it counts too, as the class hierarchy is matched. */
    public static final class Subclass extends InventoryDownException {
        private static final long serialVersionUID = 1L;

        public Subclass() {
            super("subclass");
        }
    }
}
