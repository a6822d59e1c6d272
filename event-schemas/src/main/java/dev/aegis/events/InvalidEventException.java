package dev.aegis.events;

/**
 * Thrown by {@link EventCodec}'s encoders when the data would be rejected by a consumer, so a
 * producer never publishes an event the orchestrator would dead-letter. Carries the same {@link
 * DecodeResult.Rejected} a consumer would have produced.
 */
public final class InvalidEventException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient DecodeResult.Rejected rejection;

  public InvalidEventException(DecodeResult.Rejected rejection) {
    super(rejection.reason().code() + ": " + rejection.detail());
    this.rejection = rejection;
  }

  /** Why the data was refused. */
  public DecodeResult.Rejected rejection() {
    return rejection;
  }
}
