package dev.aegis.chaos;

import static dev.aegis.chaos.ChaosObjects.CANARY;
import static dev.aegis.chaos.ChaosObjects.CANARY_OF;
import static dev.aegis.chaos.ChaosObjects.TRACK;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The Deployment a fault hits and how its pods are selected. Canary: Deployment {@code
 * <service>-canary}, pods {@code aegis.dev/canary-of=<service>, aegis.dev/track=canary}. Stable
 * (and baseline, which is the stable Deployment observed beside the canary): Deployment {@code
 * <service>}, pods its selector's {@code matchLabels} (and {@code matchExpressions}) minus those
 * labelled {@code aegis.dev/track=canary}, which a replica-ratio canary carries beside the stable
 * labels.
 *
 * @param matchLabels labels every target pod carries
 * @param expressions further requirements, including the exclusion of canary pods for stable
 *     targets
 */
record TargetWorkload(
    FaultTarget target,
    Deployment deployment,
    Map<String, String> matchLabels,
    List<LabelSelectorRequirement> expressions) {

  static TargetWorkload resolve(KubernetesClient client, FaultTarget target) {
    boolean canary = ChaosObjects.isCanary(target);
    String name = canary ? target.service() + "-canary" : target.service();
    Deployment deployment =
        client.apps().deployments().inNamespace(target.namespace()).withName(name).get();
    if (deployment == null) {
      throw new FaultRefusedException(
          FaultRefusedException.NO_SUCH_WORKLOAD,
          canary
              ? "no canary of "
                  + target.namespace()
                  + "/"
                  + target.service()
                  + " is running: Deployment "
                  + target.namespace()
                  + "/"
                  + name
                  + " not found"
              : "Deployment " + target.namespace() + "/" + name + " not found");
    }
    if (canary) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put(CANARY_OF, target.service());
      labels.put(TRACK, CANARY);
      return new TargetWorkload(target, deployment, labels, List.of());
    }
    LabelSelector selector =
        deployment.getSpec() == null ? null : deployment.getSpec().getSelector();
    Map<String, String> labels =
        selector == null || selector.getMatchLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(selector.getMatchLabels());
    List<LabelSelectorRequirement> expressions = new ArrayList<>();
    if (selector != null && selector.getMatchExpressions() != null) {
      expressions.addAll(selector.getMatchExpressions());
    }
    if (labels.isEmpty() && expressions.isEmpty()) {
      throw new FaultRefusedException(
          FaultRefusedException.NO_SUCH_WORKLOAD,
          "Deployment " + target.namespace() + "/" + name + " has no selector to find its pods by");
    }
    expressions.add(
        new LabelSelectorRequirementBuilder()
            .withKey(TRACK)
            .withOperator("NotIn")
            .withValues(CANARY)
            .build());
    return new TargetWorkload(target, deployment, labels, expressions);
  }

  /** As a Kubernetes label selector (NetworkPolicy, pod affinity). */
  LabelSelector selector() {
    LabelSelectorBuilder builder =
        new LabelSelectorBuilder().withMatchLabels(new LinkedHashMap<>(matchLabels));
    if (!expressions.isEmpty()) {
      builder.withMatchExpressions(expressions);
    }
    return builder.build();
  }

  /** The target's pods that run (not terminating, not finished), oldest name first. */
  List<Pod> runningPods(KubernetesClient client) {
    return client
        .pods()
        .inNamespace(target.namespace())
        .withLabels(matchLabels)
        .list()
        .getItems()
        .stream()
        .filter(this::matchesExpressions)
        .filter(TargetWorkload::isRunning)
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * The port the service's container listens on: the one named like the service, else the first; 80
   * if none.
   */
  int containerPort() {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    return containers.stream()
        .sorted(Comparator.comparing(c -> !target.service().equals(c.getName())))
        .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
        .map(ContainerPort::getContainerPort)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(80);
  }

  private boolean matchesExpressions(Pod pod) {
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    return expressions.stream().allMatch(e -> matches(e, labels));
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> false;
    };
  }

  private static boolean isRunning(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }
}
