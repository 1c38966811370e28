package io.robustcert.trainer.training;

import com.google.rpc.BadRequest;
import java.util.ArrayList;
import java.util.List;

/** Collects field violations so a request's every problem is reported at once. */
final class Violations {

    private final List<BadRequest.FieldViolation> list = new ArrayList<>();

    void add(String field, String description) {
        list.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
    }

    /** Checks lo ≤ value ≤ hi for a whole number. */
    void range(String field, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            add(field, "must be in [" + lo + ", " + hi + "], got " + value);
        }
    }

    /** Checks that a real number is finite and in [lo, hi]. */
    void finiteIn(String field, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            add(field, "must be a finite number in [" + lo + ", " + hi + "], got " + value);
        }
    }

    void throwIfAny() throws InvalidRequestException {
        if (!list.isEmpty()) {
            throw exception();
        }
    }

    InvalidRequestException exception() {
        return new InvalidRequestException(list);
    }
}
