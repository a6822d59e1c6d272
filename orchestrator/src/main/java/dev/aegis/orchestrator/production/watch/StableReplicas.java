package dev.aegis.orchestrator.production.watch;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stable Deployment's replica count, read from the cluster and kept for a short while, so the guard
 * knows what it scales from without an API call per health window. Empty when the cluster cannot tell.
 */
public class StableReplicas {

  private record Known(int replicas, Instant at) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Known> cache = new ConcurrentHashMap<>();

  public StableReplicas(KubernetesClient client, Clock clock, Duration ttl) {
    this.client = client;
    this.clock = clock;
    this.ttl = ttl;
  }

  public Optional<Integer> of(String namespace, String service) {
    String key = namespace + "/" + service;
    Known known = cache.get(key);
    Instant now = clock.instant();
    if (known != null && Duration.between(known.at(), now).compareTo(ttl) < 0) {
      return Optional.of(known.replicas());
    }
    try {
      Deployment d = client.apps().deployments().inNamespace(namespace).withName(service).get();
      if (d == null || d.getSpec() == null || d.getSpec().getReplicas() == null) {
        return Optional.empty();
      }
      cache.put(key, new Known(d.getSpec().getReplicas(), now));
      return Optional.of(d.getSpec().getReplicas());
    } catch (RuntimeException e) {
      return Optional.ofNullable(known).map(Known::replicas);
    }
  }

  /** Forgets what was read, after Aegis changed the count itself. */
  public void forget(String namespace, String service) {
    cache.remove(namespace + "/" + service);
  }
}
