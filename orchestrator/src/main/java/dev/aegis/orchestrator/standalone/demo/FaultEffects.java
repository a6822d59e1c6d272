package dev.aegis.orchestrator.standalone.demo;

import dev.aegis.chaos.ChaosObjects;
import dev.aegis.events.data.Track;
import dev.aegis.operators.actuation.AegisMetadata;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the chaos faults on the in-process cluster do to the demo workloads, read from the objects a
 * fault leaves there (as a real workload would feel them): the {@code fault} routes of
 * VirtualServices (latency, abort, and aborts matched on a caller's labels for a dependency
 * outage), deny-all NetworkPolicies (a partition) and stress Jobs. Pod kills need no reading: the
 * pods are gone, and {@link DemoPods} reports the lost capacity.
 */
final class FaultEffects {

  static final String FAULT_LABEL = ChaosObjects.FAULT_LABEL;
  static final String TARGET_LABEL = ChaosObjects.TARGET_LABEL;
  static final String TRACK_LABEL = ChaosObjects.TRACK_LABEL;
  static final String KIND_LABEL = ChaosObjects.KIND_LABEL;
  static final String FAULT_ROUTE_PREFIX = "aegis-fault-";

  /** The share of a demo service's requests that call a dependency. */
  static final double DEPENDENCY_SHARE = 0.4;

  /** How one track of one service is hurt right now. */
  record Effect(double addedErrorRate, double latencyFactor, double addedLatencyMs) {
    static final Effect NONE = new Effect(0, 1, 0);

    Effect plus(Effect other) {
      return new Effect(
          Math.min(1, addedErrorRate + other.addedErrorRate),
          latencyFactor * other.latencyFactor,
          addedLatencyMs + other.addedLatencyMs);
    }

    boolean isNone() {
      return addedErrorRate == 0 && latencyFactor == 1 && addedLatencyMs == 0;
    }
  }

  private final KubernetesClient client;
  private final String namespace;

  FaultEffects(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The effects on every (service, track) hit by a fault, keyed by {@link #key}. */
  Map<String, Effect> read() {
    Map<String, Effect> effects = new HashMap<>();
    for (GenericKubernetesResource vs :
        client
            .genericKubernetesResources(IstioVirtualServiceRouter.VIRTUAL_SERVICE)
            .inNamespace(namespace)
            .list()
            .getItems()) {
      routeFaults(vs, effects);
    }
    for (NetworkPolicy policy :
        client
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(namespace)
            .withLabel(FAULT_LABEL)
            .list()
            .getItems()) {
      add(effects, policy.getMetadata().getLabels(), new Effect(1.0, 1, 0));
    }
    for (Job job :
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(FAULT_LABEL)
            .list()
            .getItems()) {
      boolean memory = "memory-stress".equals(job.getMetadata().getLabels().get(KIND_LABEL));
      add(
          effects,
          job.getMetadata().getLabels(),
          memory ? new Effect(0.05, 1.5, 0) : new Effect(0.01, 3.0, 0));
    }
    return effects;
  }

  static String key(String service, Track track) {
    return service + "/" + track.wire();
  }

  private static void add(Map<String, Effect> effects, Map<String, String> labels, Effect effect) {
    String service = labels.get(TARGET_LABEL);
    String track = labels.getOrDefault(TRACK_LABEL, "canary");
    if (service != null) {
      effects.merge(service + "/" + track, effect, Effect::plus);
    }
  }

  @SuppressWarnings("unchecked")
  private static void routeFaults(GenericKubernetesResource vs, Map<String, Effect> effects) {
    Object spec = vs.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> specMap)) {
      return;
    }
    for (Object http :
        (List<Object>) ((Map<String, Object>) specMap).getOrDefault("http", List.of())) {
      Map<String, Object> route = (Map<String, Object>) http;
      if (!String.valueOf(route.get("name")).startsWith(FAULT_ROUTE_PREFIX)
          || !(route.get("fault") instanceof Map)) {
        continue;
      }
      Effect effect = effect((Map<String, Object>) route.get("fault"));
      Map<String, String> caller = sourceLabels(route);
      if (caller.isEmpty()) {
        // A fault on the service's own route: Istio applies it before the weighted split, to both
        // tracks.
        String service = vs.getMetadata().getName();
        effects.merge(key(service, Track.CANARY), effect, Effect::plus);
        effects.merge(key(service, Track.STABLE), effect, Effect::plus);
      } else {
        // Matched on the caller's labels: only that caller's requests to this dependency fail.
        Effect scaled =
            new Effect(effect.addedErrorRate() * DEPENDENCY_SHARE, 1, effect.addedLatencyMs());
        String canaryOf = caller.get(AegisMetadata.CANARY_OF);
        if (canaryOf != null) {
          effects.merge(key(canaryOf, Track.CANARY), scaled, Effect::plus);
        } else if (caller.get("app") != null) {
          effects.merge(key(caller.get("app"), Track.STABLE), scaled, Effect::plus);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> sourceLabels(Map<String, Object> route) {
    for (Object match : (List<Object>) route.getOrDefault("match", List.of())) {
      Object labels = ((Map<String, Object>) match).get("sourceLabels");
      if (labels instanceof Map<?, ?> map && !map.isEmpty()) {
        return (Map<String, String>) map;
      }
    }
    return Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Effect effect(Map<String, Object> fault) {
    Effect effect = Effect.NONE;
    if (fault.get("abort") instanceof Map<?, ?> abort) {
      effect = effect.plus(new Effect(percent((Map<String, Object>) abort) / 100.0, 1, 0));
    }
    if (fault.get("delay") instanceof Map<?, ?> delay) {
      double share = percent((Map<String, Object>) delay);
      // Delaying at least a twentieth of the requests moves the p95 by the whole delay.
      double ms =
          share >= 5 ? millis(String.valueOf(((Map<String, Object>) delay).get("fixedDelay"))) : 0;
      effect = effect.plus(new Effect(0, 1, ms));
    }
    return effect;
  }

  @SuppressWarnings("unchecked")
  private static double percent(Map<String, Object> block) {
    Object percentage = block.get("percentage");
    if (percentage instanceof Map<?, ?> p
        && ((Map<String, Object>) p).get("value") instanceof Number n) {
      return n.doubleValue();
    }
    return 100;
  }

  /** An Istio duration ({@code 800ms}, {@code 2s}) in milliseconds; 0 when unreadable. */
  static double millis(String duration) {
    String d = duration.trim().toLowerCase(Locale.ROOT);
    try {
      if (d.endsWith("ms")) {
        return Double.parseDouble(d.substring(0, d.length() - 2));
      }
      if (d.endsWith("s")) {
        return Double.parseDouble(d.substring(0, d.length() - 1)) * 1000;
      }
    } catch (NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
