package dev.aegis.operators.actuation;

/**
 * The caller no longer holds the command: its lease ran out before an object was written. Another
 * relay may be carrying the command out, and later commands of the service may have run since, so
 * nothing more is written for this call.
 */
final class LeaseLostException extends RuntimeException {

  LeaseLostException(String object) {
    super(
        "the lease on the command ran out before " + object + " was written; nothing more written");
  }
}
