package io.robustcert.certifier.certify;

/** A request within the message size limit that would still take more than one request may (RESOURCE_EXHAUSTED). */
public final class TooMuchWorkException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final long requested;
    private final long limit;

    public TooMuchWorkException(String reason, String message, long requested, long limit) {
        super(message);
        this.reason = reason;
        this.requested = requested;
        this.limit = limit;
    }

    /** ErrorInfo reason, UPPER_SNAKE. */
    public String reason() {
        return reason;
    }

    public long requested() {
        return requested;
    }

    public long limit() {
        return limit;
    }
}
