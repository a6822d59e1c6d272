package dev.aegis.events;

/**
 * Internal control flow of the codec: thrown by a check deep in decoding and turned into a {@link
 * DecodeResult.Rejected} at the edge. Rejections are expected outcomes, not bugs, so no stack trace
 * is captured (it would dominate the cost of rejecting a flood of bad events).
 */
final class Rejection extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient DecodeResult.Rejected result;

  private Rejection(DecodeResult.Rejected result) {
    super(result.detail(), null, false, false);
    this.result = result;
  }

  static Rejection of(RejectionReason reason, String detail) {
    return new Rejection(new DecodeResult.Rejected(reason, detail));
  }

  static Rejection at(RejectionReason reason, String detail, String pointer) {
    return new Rejection(new DecodeResult.Rejected(reason, detail, pointer));
  }

  /**
   * {@code invalid-data} at {@code pointer} ("" for the whole document, shown as "(root)"), with
   * {@code problem} after it.
   */
  static Rejection invalidDataAt(String pointer, String problem) {
    return at(
        RejectionReason.INVALID_DATA,
        "invalid data at " + (pointer.isEmpty() ? "(root)" : pointer) + ": " + problem,
        pointer);
  }

  DecodeResult.Rejected result() {
    return result;
  }
}
