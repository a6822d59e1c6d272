package dev.aegis.chaos;

/**
 * A fault that cannot be injected as asked; nothing was left on the cluster. {@link #reason()} is a stable
 * kebab-case code (API problem type, CLI exit), the message says what to change.
 */
public final class FaultRefusedException extends RuntimeException {

  private final String reason;

  public FaultRefusedException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
