package io.robustcert.certifier.grpc;

import io.robustcert.certifier.config.CertifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Semaphore;

/**
 * Bounds how many CPU-heavy requests one instance works on at once ({@code robustcert.certifier.max-concurrent-requests}).
 * A request beyond the bound is refused at once with RESOURCE_EXHAUSTED (reason TOO_MANY_REQUESTS; the caller
 * retries with backoff or another instance takes it) instead of queueing on the worker pool while holding its
 * inputs in memory: the instance's memory is bounded by the limit times the largest request it accepts.
 */
@ApplicationScoped
public class InFlightRequests {

    /** Held while a request runs; closing it lets the next one in. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** No permit was free. */
    public static final class TooManyRequestsException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int limit;

        TooManyRequestsException(int limit) {
            super("this instance already works on " + limit + " requests (robustcert.certifier.max-concurrent-requests); "
                    + "retry later or elsewhere");
            this.limit = limit;
        }

        public int limit() {
            return limit;
        }
    }

    private final int limit;
    private final Semaphore permits;

    public InFlightRequests(CertifierConfig config) {
        int limit = config.maxConcurrentRequests();
        if (limit < 1) {
            throw new IllegalArgumentException("robustcert.certifier.max-concurrent-requests must be >= 1, got " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** A permit now, or {@link TooManyRequestsException}. */
    public Permit acquire() throws TooManyRequestsException {
        if (!permits.tryAcquire()) {
            throw new TooManyRequestsException(limit);
        }
        boolean[] released = {false};
        return () -> {
            if (!released[0]) {
                released[0] = true;
                permits.release();
            }
        };
    }
}
