package io.robustcert.core.data;

/**
 * A dataset file that cannot be read: wrong magic number, wrong dimensions, images and labels that
 * disagree in count, a label out of range, truncated data, a missing MAT variable, or (as
 * {@link ChecksumMismatchException}) a checksum that differs from the published one. The message names
 * the file and the problem.
 */
public class DatasetFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
