package dev.aegis.operators.routing;

/**
 * A change that cannot succeed as the cluster stands (a required object is missing, a route does
 * not lead to the service), so retrying the same command will not help. The message says what is
 * wrong and where.
 */
public class UnsatisfiableEditException extends RuntimeException {

  public UnsatisfiableEditException(String message) {
    super(message);
  }
}
