package dev.aegis.events.data;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Data of {@code dev.aegis.lifecycle.transitioned.v1}: one immutable transition of an experiment's
 * lifecycle, as recorded in the orchestrator's transition table.
 *
 * @param experimentId the experiment (also the Kafka key)
 * @param service DNS-1123 label of the service
 * @param from the state left, e.g. {@code CANARY}
 * @param to the state entered, e.g. {@code PROMOTED}
 * @param reason machine-readable reason for the transition, e.g. {@code step-passed}
 * @param actor who caused it: {@code system} or a user/principal name
 * @param at event time of the transition
 * @param step optional 0-based canary step index after the transition
 * @param weight optional candidate traffic weight after the transition, {@code 0..100}
 * @param evidence optional free-form evidence (judgment numbers, window ids); values are JSON
 *     values
 * @param namespace optional Kubernetes namespace of the service
 */
public record LifecycleTransitioned(
    String experimentId,
    String service,
    String from,
    String to,
    String reason,
    String actor,
    Instant at,
    Integer step,
    Integer weight,
    Map<String, Object> evidence,
    String namespace) {

  public LifecycleTransitioned {
    // Map.copyOf would reject the null values JSON evidence may legitimately hold.
    evidence = evidence == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }

  /** As before namespaces were carried: {@code namespace} absent. */
  public LifecycleTransitioned(
      String experimentId,
      String service,
      String from,
      String to,
      String reason,
      String actor,
      Instant at,
      Integer step,
      Integer weight,
      Map<String, Object> evidence) {
    this(experimentId, service, from, to, reason, actor, at, step, weight, evidence, null);
  }
}
