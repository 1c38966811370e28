package io.robustcert.certifier.certify;

import com.google.rpc.BadRequest;
import java.util.ArrayList;
import java.util.List;

/** Collects field violations, so one response names every bad field (up to a cap that bounds its size). */
public final class Violations {

    /** More violations than this are summarised in one last entry. */
    static final int MAX = 50;

    private final List<BadRequest.FieldViolation> list = new ArrayList<>();
    private int dropped;

    public void add(String field, String description) {
        if (list.size() < MAX) {
            list.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
        } else {
            dropped++;
        }
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** Throws when any violation was found. */
    public void throwIfAny() throws InvalidRequestException {
        if (list.isEmpty()) {
            return;
        }
        List<BadRequest.FieldViolation> all = new ArrayList<>(list);
        if (dropped > 0) {
            all.add(BadRequest.FieldViolation.newBuilder().setField("")
                    .setDescription(dropped + " more violations not listed").build());
        }
        throw new InvalidRequestException(all);
    }
}
