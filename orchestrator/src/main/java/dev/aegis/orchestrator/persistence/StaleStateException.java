package dev.aegis.orchestrator.persistence;

/**
 * An experiment changed under a writer: the version it read is no longer current. The caller
 * retries its whole unit of work with fresh state; nothing was written.
 */
public class StaleStateException extends RuntimeException {
  public StaleStateException(String message) {
    super(message);
  }
}
