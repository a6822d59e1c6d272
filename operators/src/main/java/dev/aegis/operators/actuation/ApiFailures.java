package dev.aegis.operators.actuation;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Set;

/**
 * Sorts Kubernetes API failures into permanent ones (the request is wrong or not allowed: retrying
 * the same command cannot help, so it is {@link ActuationResult.Rejected}) and transient ones
 * (server errors, throttling, conflicts, timeouts, no connection: {@link ActuationResult.Deferred},
 * to be tried again). When in doubt a failure is transient: a deferred command waits, a rejected
 * one is given up.
 */
final class ApiFailures {

  private static final Set<Integer> PERMANENT = Set.of(400, 403, 404, 405, 406, 413, 415, 422);

  private ApiFailures() {}

  static ActuationResult classify(String commandId, KubernetesClientException failure) {
    int code = failure.getCode();
    if (code == 403) {
      return new ActuationResult.Rejected(
          commandId,
          "forbidden (HTTP 403): the operator's ServiceAccount lacks "
              + "a permission; compare kubernetes/rbac.yaml with the cluster's binding: "
              + message(failure));
    }
    if (PERMANENT.contains(code)) {
      return new ActuationResult.Rejected(
          commandId,
          "the Kubernetes API refused the change (HTTP " + code + "): " + message(failure));
    }
    String what = code > 0 ? "HTTP " + code : "no answer (connection failed or timed out)";
    return new ActuationResult.Deferred(
        commandId, "Kubernetes API unavailable, " + what + ": " + message(failure));
  }

  private static String message(KubernetesClientException failure) {
    if (failure.getStatus() != null && failure.getStatus().getMessage() != null) {
      return failure.getStatus().getMessage();
    }
    Throwable cause = failure.getCause();
    boolean causeAddsDetail =
        cause != null
            && cause.getMessage() != null
            && !String.valueOf(failure.getMessage()).contains(cause.getMessage());
    return failure.getMessage() + (causeAddsDetail ? " (" + cause + ")" : "");
  }
}
