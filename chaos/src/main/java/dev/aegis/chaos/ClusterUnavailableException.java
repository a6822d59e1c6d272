package dev.aegis.chaos;

/**
 * The Kubernetes API could not be reached, or answered an error, while a fault was injected or
 * reverted. Whatever was asked may be partly done on the cluster; try again later (reverts are
 * idempotent). The message is the client's own, and the client's exception is the cause.
 */
public final class ClusterUnavailableException extends RuntimeException {

  public ClusterUnavailableException(Throwable cause) {
    super(cause.getMessage(), cause);
  }
}
