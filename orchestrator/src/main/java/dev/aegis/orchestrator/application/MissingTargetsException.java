package dev.aegis.orchestrator.application;

import java.util.List;

/**
 * A submission for a service whose stable Deployment or router objects do not exist (see {@link
 * SubmissionTargets}). A kind of invalid submission (field {@code service}, or {@code router} when
 * only the router's objects are missing), so every door that refuses those refuses this too; the
 * REST API answers 422 rather than 400 because the body is well-formed.
 */
public class MissingTargetsException extends InvalidSubmissionException {

  /** The problem type's last path segment and the dead-letter reason code. */
  public static final String CODE = "missing-workload";

  private final List<String> missing;

  public MissingTargetsException(String field, List<String> missing) {
    super(field, String.join("; ", missing));
    this.missing = List.copyOf(missing);
  }

  /** What is missing, one sentence per object. */
  public List<String> missing() {
    return missing;
  }
}
