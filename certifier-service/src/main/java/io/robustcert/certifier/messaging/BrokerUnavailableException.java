package io.robustcert.certifier.messaging;

/**
 * The broker did not take a record (it is down, restarting or unreachable past the producer's delivery
 * timeout). Not a verdict on the work: the record in hand stays uncommitted and is tried again once the broker
 * is back ({@link RecordLoop}), never turned into a failed result or a dead letter.
 */
public final class BrokerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
