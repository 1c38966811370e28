package io.robustcert.core.store;

/**
 * A reference announcing more bytes than the reader accepts: refused before anything is read, and told apart
 * from a mismatch because the content may be fine (a consumer with a higher limit could load it).
 */
public final class ContentTooLargeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ContentTooLargeException(String message) {
        super(message);
    }
}
