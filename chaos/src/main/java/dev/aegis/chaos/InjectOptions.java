package dev.aegis.chaos;

/**
 * What the caller has already established about a request, beyond the spec.
 *
 * @param productionConsented the request said {@code "production": true} and its principal may
 *     touch production ({@link BlastRadius} passed with both). Needed when the only way to put a
 *     fault on a canary also hits production traffic: a native HTTP fault (latency, abort) on a
 *     canary is an Istio route-level fault that production requests on the same route get too.
 */
public record InjectOptions(boolean productionConsented) {

  /** No consent beyond the spec: only faults confined to the target. */
  public static final InjectOptions NONE = new InjectOptions(false);

  /** Production consented. */
  public static final InjectOptions PRODUCTION_CONSENTED = new InjectOptions(true);
}
