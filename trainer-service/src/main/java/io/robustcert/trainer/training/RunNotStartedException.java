package io.robustcert.trainer.training;

/**
 * A run (or sweep) that could not be handed to its executor: the Kubernetes API refused or could not be
 * reached ({@code retryable}), or the cluster lacks what the run needs (not retryable: the pod template).
 */
public class RunNotStartedException extends RuntimeException {

    private final boolean retryable;

    public RunNotStartedException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
