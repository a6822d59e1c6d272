package dev.aegis.operators.routing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * No mesh: the stable Service {@code <service>} selects both stable and canary pods, so traffic
 * splits by pod count. The canary gets {@code ceil(total × weight / 100)} replicas and the stable
 * Deployment the rest of the total recorded before the experiment; the split is only as fine as the
 * replica count allows (with 3 replicas, 10% means one pod in three).
 */
public final class ReplicaRatioRouter implements TrafficRouter {

  private final KubernetesClient client;

  public ReplicaRatioRouter(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public String describe() {
    return "replica ratio (no mesh)";
  }

  /** Always usable: it needs nothing but the Deployments. */
  @Override
  public boolean isConfiguredFor(String namespace, String service) {
    return true;
  }

  @Override
  public boolean routesToCanaryService() {
    return false;
  }

  @Override
  public int canaryReplicas(CanarySplit split) {
    return split.proportionalCanaryReplicas();
  }

  @Override
  public List<ObjectEdit<?>> route(CanarySplit split) {
    int stableReplicas = split.totalReplicas() - canaryReplicas(split);
    return List.of(
        ObjectEdit.ofExisting(
            "Deployment",
            split.namespace(),
            split.service(),
            client.apps().deployments().inNamespace(split.namespace()),
            "Deployment " + split.namespace() + "/" + split.service() + " not found",
            deployment -> {
              deployment.getSpec().setReplicas(stableReplicas);
              return deployment;
            }));
  }
}
