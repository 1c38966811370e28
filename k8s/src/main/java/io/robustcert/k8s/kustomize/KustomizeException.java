package io.robustcert.k8s.kustomize;

/** A kustomization that cannot be rendered: the message names the file and the problem. */
public final class KustomizeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KustomizeException(String message) {
    super(message);
  }

  public KustomizeException(String message, Throwable cause) {
    super(message, cause);
  }
}
