package dev.aegis.operators.actuation;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.OptionalInt;

/**
 * Reads {@code spec.replicas} of the stable Deployment with one GET. Kubernetes verb: deployments
 * get.
 *
 * @see ResilientReplicaReader for the breaker in front of it
 */
public final class KubernetesReplicaReader implements ReplicaReader {

  private final KubernetesClient client;

  /**
   * @param client the cluster; not closed here
   */
  public KubernetesReplicaReader(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @throws KubernetesClientException when the API server is unreachable or answers an error other
   *     than 404 (which is an absent Deployment, hence empty)
   */
  @Override
  public OptionalInt stableReplicas(String namespace, String service) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(service).get();
    if (d == null || d.getSpec() == null || d.getSpec().getReplicas() == null) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(d.getSpec().getReplicas());
  }
}
