package io.robustcert.attack.store;

/**
 * A checkpoint that cannot be evaluated, with an ErrorInfo-style reason: CHECKPOINT_UNSAFE_URI,
 * CHECKPOINT_NOT_FOUND, CHECKPOINT_HASH_MISMATCH, CHECKPOINT_UNREADABLE, MODEL_REJECTED, PLAN_INVALID,
 * DATASET_UNAVAILABLE.
 */
public final class CheckpointException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public CheckpointException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
