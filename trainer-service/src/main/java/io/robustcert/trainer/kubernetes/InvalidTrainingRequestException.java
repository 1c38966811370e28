package io.robustcert.trainer.kubernetes;

import java.util.List;
import java.util.stream.Collectors;

/** A training or sweep request that cannot run; every invalid field is listed (for INVALID_ARGUMENT). */
public final class InvalidTrainingRequestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<FieldViolation> violations;

  public InvalidTrainingRequestException(List<FieldViolation> violations) {
    super(violations.stream().map(v -> v.field() + ": " + v.description()).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public List<FieldViolation> violations() {
    return violations;
  }
}
