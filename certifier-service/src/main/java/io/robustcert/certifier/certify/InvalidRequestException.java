package io.robustcert.certifier.certify;

import com.google.rpc.BadRequest;
import java.util.List;

/** A request with invalid fields: every violation found, each naming its field path. */
public final class InvalidRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<BadRequest.FieldViolation> violations;

    public InvalidRequestException(List<BadRequest.FieldViolation> violations) {
        super(violations.isEmpty() ? "invalid request" : violations.get(0).getField() + ": "
                + violations.get(0).getDescription() + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""));
        this.violations = List.copyOf(violations);
    }

    public List<BadRequest.FieldViolation> violations() {
        return violations;
    }
}
