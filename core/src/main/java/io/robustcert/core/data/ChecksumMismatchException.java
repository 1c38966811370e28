package io.robustcert.core.data;

/** A file whose digest is none of the published checksums for it. */
public class ChecksumMismatchException extends DatasetFormatException {

    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(String message) {
        super(message);
    }
}
