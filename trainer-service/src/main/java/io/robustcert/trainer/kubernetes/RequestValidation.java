package io.robustcert.trainer.kubernetes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Collects field violations, so a request reports all its problems at once. */
final class RequestValidation {
  /** Names that also fit in a Kubernetes label value: lowercase, digits and '-'. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  /** Absolute, normalised, no "." or ".." segment, conservative characters. */
  private static final Pattern STORE = Pattern.compile("(/[A-Za-z0-9_][A-Za-z0-9._-]*)+");

  private final List<FieldViolation> violations = new ArrayList<>();

  /** An unmodifiable copy that keeps nulls, so validation (not the constructor) reports them. */
  static <T> List<T> copy(List<T> values) {
    return values == null ? null : Collections.unmodifiableList(new ArrayList<>(values));
  }

  void name(String field, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      add(field, "must be 1-63 lowercase letters, digits or '-', starting and ending alphanumeric; got " + quote(value));
    }
  }

  void epsilon(String field, double value) {
    if (!Double.isFinite(value) || value < 0) {
      add(field, "must be a finite number >= 0; got " + value);
    }
  }

  void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      add(field, "must be between " + min + " and " + max + "; got " + value);
    }
  }

  void store(String field, String value) {
    if (value == null || !STORE.matcher(value).matches() || value.contains("/../") || value.endsWith("/..")
        || value.contains("/./") || value.endsWith("/.")) {
      add(field, "must be an absolute path without '.' or '..' segments; got " + quote(value));
    }
  }

  <T> void nonEmptyDistinct(String field, List<T> values, int max) {
    if (values == null || values.isEmpty()) {
      add(field, "must not be empty");
    } else if (values.contains(null)) {
      add(field, "must not contain null");
    } else if (new HashSet<>(values).size() != values.size()) {
      add(field, "must not repeat a value");
    } else if (values.size() > max) {
      add(field, "at most " + max + " values; got " + values.size());
    }
  }

  void add(String field, String description) {
    violations.add(new FieldViolation(field, description));
  }

  boolean ok() {
    return violations.isEmpty();
  }

  void throwIfInvalid() {
    if (!violations.isEmpty()) {
      throw new InvalidTrainingRequestException(violations);
    }
  }

  private static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    return "'" + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'";
  }
}
