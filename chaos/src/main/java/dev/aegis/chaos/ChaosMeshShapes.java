package dev.aegis.chaos;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Chaos Mesh resources ({@code chaos-mesh.org/v1alpha1}) of each fault kind, as plain
 * functions. Every one has {@code spec.duration}, so Chaos Mesh ends the fault on its own even if
 * Aegis never reverts it.
 */
final class ChaosMeshShapes {

  private ChaosMeshShapes() {}

  /** PodChaos pod-kill of exactly {@code count} of the selected pods. */
  static GenericKubernetesResource podKill(
      String name,
      Map<String, String> labels,
      TargetWorkload target,
      int count,
      Duration duration) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("action", "pod-kill");
    spec.put("mode", "fixed");
    spec.put("value", Integer.toString(count));
    spec.put("gracePeriod", 0);
    spec.put("selector", selector(target));
    spec.put("duration", goDuration(duration));
    return resource(ChaosObjects.POD_CHAOS, name, target.target().namespace(), labels, spec);
  }

  /**
   * HTTPChaos on the requests the target's pods serve on {@code port}, any path: latency delays the
   * request, abort replaces the response's status code. HTTPChaos has no per-request percentage:
   * below 100% it hits that share of the pods ({@code mode: fixed-percent}).
   */
  static GenericKubernetesResource http(
      String name,
      Map<String, String> labels,
      TargetWorkload target,
      FaultKind kind,
      FaultParameters p,
      int port,
      Duration duration) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (p.percent() >= 100) {
      spec.put("mode", "all");
    } else {
      spec.put("mode", "fixed-percent");
      spec.put("value", Long.toString(Math.max(1, Math.round(p.percent()))));
    }
    spec.put("selector", selector(target));
    spec.put("port", port);
    spec.put("path", "*");
    if (kind == FaultKind.LATENCY) {
      spec.put("target", "Request");
      spec.put("delay", p.delayMs() + "ms");
    } else {
      spec.put("target", "Response");
      spec.put("replace", Map.of("code", p.httpStatus()));
    }
    spec.put("duration", goDuration(duration));
    return resource(ChaosObjects.HTTP_CHAOS, name, target.target().namespace(), labels, spec);
  }

  /**
   * StressChaos in every target pod: CPU workers at full load, or memory workers of {@code memory}
   * each.
   */
  static GenericKubernetesResource stress(
      String name,
      Map<String, String> labels,
      TargetWorkload target,
      FaultKind kind,
      FaultParameters p,
      Duration duration) {
    Map<String, Object> stressor = new LinkedHashMap<>();
    stressor.put("workers", p.workers());
    if (kind == FaultKind.CPU_STRESS) {
      stressor.put("load", 100);
    } else {
      stressor.put("size", NativeShapes.mebibytes(p.memory()) + "MiB");
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("mode", "all");
    spec.put("selector", selector(target));
    spec.put("stressors", Map.of(kind == FaultKind.CPU_STRESS ? "cpu" : "memory", stressor));
    spec.put("duration", goDuration(duration));
    return resource(ChaosObjects.STRESS_CHAOS, name, target.target().namespace(), labels, spec);
  }

  /** NetworkChaos partition of every target pod, both directions. */
  static GenericKubernetesResource partition(
      String name, Map<String, String> labels, TargetWorkload target, Duration duration) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("action", "partition");
    spec.put("mode", "all");
    spec.put("selector", selector(target));
    spec.put("direction", "both");
    spec.put("duration", goDuration(duration));
    return resource(ChaosObjects.NETWORK_CHAOS, name, target.target().namespace(), labels, spec);
  }

  /**
   * Dependency outage as a NetworkChaos partition from every target pod to every pod of the
   * dependency (direction {@code to}): the target's calls to the dependency fail to connect, as in
   * a real outage. Precise to the target's pods, so fine for a canary; unlike the native fault
   * there is no HTTP status.
   */
  static GenericKubernetesResource dependencyPartition(
      String name,
      Map<String, String> labels,
      TargetWorkload target,
      Map<String, String> dependencyPods,
      Duration duration) {
    Map<String, Object> dependency = new LinkedHashMap<>();
    dependency.put("mode", "all");
    dependency.put(
        "selector",
        Map.of(
            "namespaces",
            List.of(target.target().namespace()),
            "labelSelectors",
            new LinkedHashMap<>(dependencyPods)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("action", "partition");
    spec.put("mode", "all");
    spec.put("selector", selector(target));
    spec.put("direction", "to");
    spec.put("target", dependency);
    spec.put("duration", goDuration(duration));
    return resource(ChaosObjects.NETWORK_CHAOS, name, target.target().namespace(), labels, spec);
  }

  /** Chaos Mesh's pod selector: the namespace, the target's labels and expressions. */
  static Map<String, Object> selector(TargetWorkload target) {
    Map<String, Object> selector = new LinkedHashMap<>();
    selector.put("namespaces", List.of(target.target().namespace()));
    selector.put("labelSelectors", new LinkedHashMap<>(target.matchLabels()));
    if (!target.expressions().isEmpty()) {
      selector.put(
          "expressionSelectors",
          target.expressions().stream().map(ChaosMeshShapes::expression).toList());
    }
    return selector;
  }

  /** A Go duration, as Chaos Mesh reads it: whole seconds, rounded up. */
  static String goDuration(Duration duration) {
    return NativeShapes.seconds(duration) + "s";
  }

  private static Map<String, Object> expression(LabelSelectorRequirement r) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("key", r.getKey());
    e.put("operator", r.getOperator());
    if (r.getValues() != null && !r.getValues().isEmpty()) {
      e.put("values", List.copyOf(r.getValues()));
    }
    return e;
  }

  private static GenericKubernetesResource resource(
      ResourceDefinitionContext definition,
      String name,
      String namespace,
      Map<String, String> labels,
      Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(definition.getGroup() + "/" + definition.getVersion())
        .withKind(definition.getKind())
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }
}
