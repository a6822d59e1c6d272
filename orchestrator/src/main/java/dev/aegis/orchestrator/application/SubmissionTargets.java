package dev.aegis.orchestrator.application;

import dev.aegis.operators.actuation.RouterKind;
import java.util.List;

/**
 * Port: whether the cluster has what an experiment acts on (the stable Deployment, and the router's
 * objects), asked when it is submitted, so a submission the actuation could only fail is refused at
 * once instead of being accepted and aborted later.
 *
 * <p>Contract: {@link #check} never throws. When the cluster cannot answer (unreachable, an error,
 * the circuit breaker open) it answers {@link Answer.Unknown} and the submission is accepted: an
 * outage of the Kubernetes API must not stop submissions, and the actuation retries and reports
 * what it finds. An implementation may be slow only as long as one read of the API takes.
 */
public interface SubmissionTargets {

  /** What the cluster says about {@code namespace/service} for {@code router}. */
  Answer check(String namespace, String service, RouterKind router);

  /** The answer of a check. */
  sealed interface Answer {

    /** Everything the experiment acts on exists. */
    record Present() implements Answer {}

    /**
     * What is missing, one sentence per object, e.g. {@code Deployment shop/checkout not found}.
     */
    record Missing(List<String> what) implements Answer {
      public Missing {
        what = List.copyOf(what);
      }

      public String summary() {
        return String.join("; ", what);
      }
    }

    /** The cluster could not answer; the submission goes ahead. */
    record Unknown(String reason) implements Answer {}
  }

  /** For a context without a cluster: nothing can be checked, every submission goes ahead. */
  SubmissionTargets NO_CLUSTER = (n, s, r) -> new Answer.Unknown("no Kubernetes cluster");
}
