package io.robustcert.core.io;

/** A model file or architecture that cannot be read, with a message that names the problem. */
public class ModelFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
