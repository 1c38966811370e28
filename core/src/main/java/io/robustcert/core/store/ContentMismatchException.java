package io.robustcert.core.store;

/** Content whose size or SHA-256 differs from what its reference announced: it must not be loaded. */
public final class ContentMismatchException extends Exception {

    private static final long serialVersionUID = 1L;

    public ContentMismatchException(String message) {
        super(message);
    }
}
