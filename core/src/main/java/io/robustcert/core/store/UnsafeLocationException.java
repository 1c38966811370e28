package io.robustcert.core.store;

/** A URI that does not name the announced content inside the store: it is never opened. */
public final class UnsafeLocationException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnsafeLocationException(String message) {
        super(message);
    }
}
