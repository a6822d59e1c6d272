package dev.aegis.orchestrator.standalone.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Plays the ReplicaSet controller and the kubelet of the in-process cluster, which has neither:
 * every tick it gives each Deployment of the demo namespace as many pods as it asks for, labelled
 * as its template says, and removes the pods of Deployments that shrank or went away. A pod that
 * replaces one lost since the last tick is ready only {@code startDelay} later, so a pod deleted by
 * a chaos pod-kill leaves the workload short of capacity for a while, as it would on a real
 * cluster.
 */
final class DemoPods {

  static final String OWNER = "aegis.dev/demo-deployment";
  static final String READY_AT = "aegis.dev/demo-ready-at";
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final Duration startDelay;
  private final SplittableRandom random = new SplittableRandom();

  /** Per Deployment, how many pods it had at the end of the last tick. */
  private final Map<String, Integer> lastCount = new HashMap<>();

  DemoPods(KubernetesClient client, String namespace, Clock clock, Duration startDelay) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.startDelay = startDelay;
  }

  /**
   * Reconciles the pods with the Deployments; returns each Deployment's ready share of its
   * replicas.
   */
  Map<String, Double> reconcile() {
    Instant now = clock.instant();
    Map<String, Deployment> deployments = new LinkedHashMap<>();
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(d -> deployments.put(d.getMetadata().getName(), d));
    Map<String, List<Pod>> owned = new HashMap<>();
    for (Pod pod : client.pods().inNamespace(namespace).withLabel(OWNER).list().getItems()) {
      owned
          .computeIfAbsent(pod.getMetadata().getLabels().get(OWNER), k -> new ArrayList<>())
          .add(pod);
    }
    for (Map.Entry<String, List<Pod>> entry : owned.entrySet()) {
      if (!deployments.containsKey(entry.getKey())) {
        entry.getValue().forEach(this::delete);
      }
    }
    Map<String, Double> capacity = new LinkedHashMap<>();
    for (Deployment d : deployments.values()) {
      String name = d.getMetadata().getName();
      int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      List<Pod> pods = new ArrayList<>(owned.getOrDefault(name, List.of()));
      pods.sort(Comparator.comparing((Pod p) -> p.getMetadata().getName()));
      while (pods.size() > desired) {
        delete(pods.remove(pods.size() - 1));
      }
      // Pods of a new or scaled-up Deployment are up at once (a fresh canary is not a failure);
      // pods replacing
      // ones lost since the last tick (deleted by a chaos pod-kill) take their start delay.
      int lost = Math.max(0, Math.min(lastCount.getOrDefault(name, 0), desired) - pods.size());
      for (int i = pods.size(); i < desired; i++) {
        pods.add(create(d, lost-- > 0 ? now.plus(startDelay) : now));
      }
      lastCount.put(name, pods.size());
      long ready = pods.stream().filter(p -> !readyAt(p).isAfter(now)).count();
      capacity.put(name, desired == 0 ? 1.0 : (double) ready / desired);
    }
    lastCount.keySet().retainAll(deployments.keySet());
    return capacity;
  }

  private Pod create(Deployment d, Instant readyAt) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (d.getSpec().getTemplate().getMetadata() != null
        && d.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(d.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(OWNER, d.getMetadata().getName());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + suffix())
            .withNamespace(namespace)
            .withLabels(labels)
            .addToAnnotations(READY_AT, readyAt.toString())
            .endMetadata()
            .withSpec(d.getSpec().getTemplate().getSpec())
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    return client.resource(pod).create();
  }

  private void delete(Pod pod) {
    try {
      client.resource(pod).delete();
    } catch (KubernetesClientException e) {
      // Gone already (a chaos pod-kill got there first): nothing to do.
    }
  }

  private static Instant readyAt(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String at = annotations == null ? null : annotations.get(READY_AT);
    return at == null ? Instant.EPOCH : Instant.parse(at);
  }

  private String suffix() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
