package io.robustcert.trainer.training;

import com.google.rpc.BadRequest;
import java.util.List;

/** A request with invalid fields: every violation, named by its field path, found in one pass. */
public final class InvalidRequestException extends Exception {

    private final transient List<BadRequest.FieldViolation> violations;

    public InvalidRequestException(List<BadRequest.FieldViolation> violations) {
        super(violations.size() + " invalid field" + (violations.size() == 1 ? "" : "s") + ": "
                + String.join("; ", violations.stream().map(v -> v.getField() + ": " + v.getDescription()).toList()));
        this.violations = List.copyOf(violations);
    }

    public List<BadRequest.FieldViolation> violations() {
        return violations;
    }
}
