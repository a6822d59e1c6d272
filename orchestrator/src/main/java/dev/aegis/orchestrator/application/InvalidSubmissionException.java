package dev.aegis.orchestrator.application;

/** A submission that cannot become an experiment; {@code field} names the JSON field at fault. */
public class InvalidSubmissionException extends RuntimeException {
  private final String field;

  public InvalidSubmissionException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
