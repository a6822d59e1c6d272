package dev.aegis.operators.actuation;

import static dev.aegis.operators.actuation.AegisMetadata.CANARY;
import static dev.aegis.operators.actuation.AegisMetadata.CANARY_OF;
import static dev.aegis.operators.actuation.AegisMetadata.LIFECYCLE;
import static dev.aegis.operators.actuation.AegisMetadata.QUARANTINED;
import static dev.aegis.operators.actuation.AegisMetadata.RCA_ID;
import static dev.aegis.operators.actuation.AegisMetadata.ROLLBACK_TEMPLATE;
import static dev.aegis.operators.actuation.AegisMetadata.ROLLBACK_VERSION;
import static dev.aegis.operators.actuation.AegisMetadata.TOTAL_REPLICAS;
import static dev.aegis.operators.actuation.AegisMetadata.TRACK;
import static dev.aegis.operators.actuation.AegisMetadata.VERSION;

import dev.aegis.operators.actuation.ActuationCommand.QuarantineCandidate;
import dev.aegis.operators.routing.UnsatisfiableEditException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The shapes of the objects around a canary, as plain functions from what is on the cluster to what
 * should be: the canary Deployment derived from the stable one (Flagger-style), its Service, the
 * stable Deployment after a promotion or a production rollback, and the quarantined (V3) canary
 * with its NetworkPolicy. Nothing here talks to the API.
 *
 * <p>Canary pods are selected by {@code aegis.dev/canary-of=<service>, aegis.dev/track=canary},
 * which no stable pod carries, so the canary never adopts stable pods, and the selector (immutable
 * on a Deployment) is the same whatever the router. Behind a mesh the canary pods must also stay
 * out of the stable Service, so the labels that the stable Deployment and Service select on get a
 * {@code -canary} suffix; with the replica-ratio router they keep them, so the stable Service
 * reaches them.
 */
final class CanaryWorkload {

  private static final int MAX_LABEL_VALUE = 63;

  private final KubernetesSerialization serialization;

  CanaryWorkload(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** The selector of a service's canary pods. */
  static Map<String, String> canarySelector(String service) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(CANARY_OF, service);
    selector.put(TRACK, CANARY);
    return selector;
  }

  /**
   * Labels that keep canary pods out of the stable Deployment's and the stable Service's selectors:
   * each label they select on, with the stable pods' value suffixed {@code -canary}.
   */
  static Map<String, String> isolatingLabels(Deployment stable, Service stableService) {
    Set<String> keys = new LinkedHashSet<>();
    if (stable.getSpec().getSelector() != null
        && stable.getSpec().getSelector().getMatchLabels() != null) {
      keys.addAll(stable.getSpec().getSelector().getMatchLabels().keySet());
    }
    if (stableService != null && stableService.getSpec().getSelector() != null) {
      keys.addAll(stableService.getSpec().getSelector().keySet());
    }
    Map<String, String> podLabels =
        mutable(stable.getSpec().getTemplate().getMetadata().getLabels());
    Map<String, String> isolating = new LinkedHashMap<>();
    for (String key : keys) {
      isolating.put(key, labelValue(podLabels.getOrDefault(key, key) + "-canary"));
    }
    return isolating;
  }

  /**
   * A version as a label value: invalid characters become '-', at most 63 characters, alphanumeric
   * ends.
   */
  static String labelValue(String value) {
    String cleaned = value.replaceAll("[^A-Za-z0-9._-]", "-");
    if (cleaned.length() > MAX_LABEL_VALUE) {
      cleaned = cleaned.substring(0, MAX_LABEL_VALUE);
    }
    cleaned = cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    return cleaned.isEmpty() ? "unknown" : cleaned;
  }

  static String annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  static int replicasOf(Deployment deployment) {
    Integer replicas = deployment.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  /**
   * The canary Deployment for {@code version}: the stable spec with the candidate image, {@code
   * replicas} replicas, the canary selector and labels; remembers the version and the total replica
   * count.
   */
  Deployment shapeCanary(
      Deployment canary,
      Deployment stable,
      Map<String, String> podLabelOverrides,
      String service,
      String version,
      String image,
      int replicas,
      int totalReplicas) {
    ObjectMeta meta = canary.getMetadata();
    Map<String, String> labels = mutable(stable.getMetadata().getLabels());
    labels.putAll(canaryLabels(service, version));
    meta.setLabels(labels);
    Map<String, String> annotations = mutable(meta.getAnnotations());
    annotations.remove(RCA_ID);
    annotations.put(VERSION, version);
    annotations.put(TOTAL_REPLICAS, Integer.toString(totalReplicas));
    meta.setAnnotations(annotations);

    DeploymentSpec spec = serialization.clone(stable.getSpec());
    spec.setReplicas(replicas);
    spec.setSelector(new LabelSelectorBuilder().withMatchLabels(canarySelector(service)).build());
    Map<String, String> podLabels = mutable(spec.getTemplate().getMetadata().getLabels());
    podLabels.putAll(podLabelOverrides);
    podLabels.putAll(canaryLabels(service, version));
    spec.getTemplate().getMetadata().setLabels(podLabels);
    targetContainer(spec.getTemplate(), service).setImage(image);
    canary.setSpec(spec);
    return canary;
  }

  /** The canary's Service: the stable Service's ports, selecting the canary pods. */
  Service shapeCanaryService(Service canaryService, Service stableService, String service) {
    Map<String, String> labels = mutable(canaryService.getMetadata().getLabels());
    labels.putAll(canarySelector(service));
    canaryService.getMetadata().setLabels(labels);
    ServiceSpec spec =
        canaryService.getSpec() == null ? new ServiceSpec() : canaryService.getSpec();
    spec.setSelector(canarySelector(service));
    List<ServicePort> ports =
        stableService.getSpec().getPorts().stream()
            .map(
                port -> {
                  ServicePort copy = serialization.clone(port);
                  copy.setNodePort(null);
                  return copy;
                })
            .toList();
    spec.setPorts(ports);
    if (spec.getType() == null) {
      spec.setType("ClusterIP");
    }
    canaryService.setSpec(spec);
    return canaryService;
  }

  /**
   * The candidate's pod template as the stable Deployment should run it: the canary's template when
   * the canary runs this version (else the stable template with the candidate image), with the
   * stable pods' labels so the stable selector keeps matching.
   */
  PodTemplateSpec candidateTemplate(
      Deployment stable, Deployment canary, String service, String version, String image) {
    PodTemplateSpec template;
    if (canary != null && version.equals(annotation(canary, VERSION))) {
      template = serialization.clone(canary.getSpec().getTemplate());
    } else {
      template = serialization.clone(stable.getSpec().getTemplate());
      targetContainer(template, service).setImage(image);
    }
    Map<String, String> labels = mutable(stable.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(VERSION, labelValue(version));
    template.getMetadata().setLabels(labels);
    return template;
  }

  /**
   * The stable Deployment running the candidate template; the template it ran before is remembered
   * as the rollback target (unless it already is the candidate's, so a repeated promotion keeps the
   * real target).
   */
  Deployment promote(Deployment stable, PodTemplateSpec candidate, String version, String service) {
    PodTemplateSpec current = stable.getSpec().getTemplate();
    Map<String, String> annotations = mutable(stable.getMetadata().getAnnotations());
    if (!Objects.equals(current, candidate)) {
      annotations.put(ROLLBACK_TEMPLATE, serialization.asJson(current));
      annotations.put(
          ROLLBACK_VERSION,
          annotations.getOrDefault(VERSION, targetContainer(current, service).getImage()));
      stable.getSpec().setTemplate(candidate);
    }
    annotations.put(VERSION, version);
    stable.getMetadata().setAnnotations(annotations);
    return stable;
  }

  /** The stable Deployment back on its remembered template; the target is used up. */
  Deployment rollBack(Deployment stable) {
    Map<String, String> annotations = mutable(stable.getMetadata().getAnnotations());
    String template = annotations.remove(ROLLBACK_TEMPLATE);
    if (template == null) {
      throw new UnsatisfiableEditException(
          "Deployment "
              + stable.getMetadata().getNamespace()
              + "/"
              + stable.getMetadata().getName()
              + " has no rollback target ("
              + ROLLBACK_TEMPLATE
              + "): nothing was promoted by Aegis since the last production rollback");
    }
    stable.getSpec().setTemplate(serialization.unmarshal(template, PodTemplateSpec.class));
    String version = annotations.remove(ROLLBACK_VERSION);
    if (version != null) {
      annotations.put(VERSION, version);
    }
    stable.getMetadata().setAnnotations(annotations);
    return stable;
  }

  /** The canary in the V3 shape: labelled quarantined, linked to its RCA, at 0 or 1 replica. */
  Deployment quarantine(
      Deployment canary, QuarantineCandidate command, Map<String, String> podLabelOverrides) {
    Map<String, String> labels = mutable(canary.getMetadata().getLabels());
    labels.put(LIFECYCLE, QUARANTINED);
    canary.getMetadata().setLabels(labels);
    Map<String, String> annotations = mutable(canary.getMetadata().getAnnotations());
    annotations.put(RCA_ID, command.rcaId());
    canary.getMetadata().setAnnotations(annotations);
    canary.getSpec().setReplicas(command.shape() == QuarantineShape.KEEP_ISOLATED ? 1 : 0);
    if (!podLabelOverrides.isEmpty()) {
      Map<String, String> podLabels =
          mutable(canary.getSpec().getTemplate().getMetadata().getLabels());
      podLabels.putAll(podLabelOverrides);
      canary.getSpec().getTemplate().getMetadata().setLabels(podLabels);
    }
    return canary;
  }

  /**
   * Isolates the kept pod of a quarantined version: no ingress at all, egress only to DNS. It
   * selects that version's canary pods only, so a later candidate's canary is not caught by it.
   */
  NetworkPolicy shapeQuarantinePolicy(NetworkPolicy policy, QuarantineCandidate command) {
    Map<String, String> labels = mutable(policy.getMetadata().getLabels());
    labels.put(CANARY_OF, command.service());
    policy.getMetadata().setLabels(labels);
    Map<String, String> annotations = mutable(policy.getMetadata().getAnnotations());
    annotations.put(RCA_ID, command.rcaId());
    annotations.put(VERSION, command.candidateVersion());
    policy.getMetadata().setAnnotations(annotations);
    Map<String, String> podSelector = canarySelector(command.service());
    podSelector.put(VERSION, labelValue(command.candidateVersion()));
    policy.setSpec(
        new NetworkPolicySpecBuilder()
            .withNewPodSelector()
            .withMatchLabels(podSelector)
            .endPodSelector()
            .withPolicyTypes("Ingress", "Egress")
            .withIngress(List.of())
            .withEgress(
                new NetworkPolicyEgressRuleBuilder()
                    .addNewPort()
                    .withProtocol("UDP")
                    .withPort(new IntOrString(53))
                    .endPort()
                    .addNewPort()
                    .withProtocol("TCP")
                    .withPort(new IntOrString(53))
                    .endPort()
                    .build())
            .build());
    return policy;
  }

  private static Map<String, String> canaryLabels(String service, String version) {
    Map<String, String> labels = canarySelector(service);
    labels.put(VERSION, labelValue(version));
    return labels;
  }

  /** The container named like the service, else the first: the one whose image is the release. */
  private static Container targetContainer(PodTemplateSpec template, String service) {
    List<Container> containers =
        template.getSpec() == null ? List.of() : template.getSpec().getContainers();
    if (containers.isEmpty()) {
      throw new UnsatisfiableEditException(
          "the pod template of Deployment " + service + " has no containers");
    }
    return containers.stream()
        .filter(c -> service.equals(c.getName()))
        .findFirst()
        .orElse(containers.get(0));
  }

  private static Map<String, String> mutable(Map<String, String> map) {
    return map == null ? new LinkedHashMap<>() : new LinkedHashMap<>(map);
  }
}
