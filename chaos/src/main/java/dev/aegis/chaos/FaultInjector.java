package dev.aegis.chaos;

import java.time.Instant;
import java.util.List;

/** Puts faults on a cluster and takes them off again. */
public interface FaultInjector {

  /**
   * Injects {@code spec} as fault {@code faultId}, expiring {@code spec.duration()} after {@code
   * now}.
   *
   * @throws FaultRefusedException when the fault cannot be injected as asked (no such workload, no
   *     route to fault, parameters out of range); anything created before the refusal has been
   *     removed
   * @throws ClusterUnavailableException when the API fails; part of the fault may be on the cluster
   */
  Injection inject(String faultId, FaultSpec spec, Instant now);

  /**
   * As {@link #inject(String, FaultSpec, Instant)}, with what the caller established about the
   * request ({@link InjectOptions#productionConsented()} lets a fault that cannot be confined to a
   * canary reach production traffic too). An injector whose faults are always confined to their
   * target ignores it.
   */
  default Injection inject(String faultId, FaultSpec spec, Instant now, InjectOptions options) {
    return inject(faultId, spec, now);
  }

  /**
   * Every revert step an injection of {@code spec} as {@code faultId} could have needed, whichever
   * mechanism it took: what undoes an injection cut short (Aegis died between touching the cluster
   * and recording the steps). Each step is idempotent, so steps for objects that were never made
   * report them as already gone.
   *
   * @throws ClusterUnavailableException when working them out needs the API and it fails
   */
  default List<Revert> possibleReverts(String faultId, FaultSpec spec) {
    return List.of();
  }

  /**
   * Undoes {@code injection}. Idempotent: a second call, or a call after someone removed the
   * objects by hand, reports them as already gone.
   *
   * @throws ClusterUnavailableException when the API fails (try again later)
   */
  RevertOutcome revert(Injection injection);
}
