package dev.aegis.orchestrator.testsupport;

import dev.aegis.operators.testing.ClusterFixtures;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The stable workloads a test's experiments act on. A submission is refused (422, or dead-lettered
 * over Kafka) unless the service's stable Deployment exists on the cluster, so every test that
 * submits for a service creates it first, here.
 */
public final class Workloads {

  private Workloads() {}

  /**
   * Creates the stable Deployment (4 replicas of {@code registry.local/<service>:v1}) and Service
   * of each service in {@code namespace}, unless they exist.
   */
  public static void deployStable(KubernetesClient cluster, String namespace, String... services) {
    for (String service : services) {
      if (cluster.apps().deployments().inNamespace(namespace).withName(service).get() == null) {
        cluster
            .resource(
                ClusterFixtures.stableDeployment(
                    namespace, service, "registry.local/" + service + ":v1", 4))
            .create();
      }
      if (cluster.services().inNamespace(namespace).withName(service).get() == null) {
        cluster.resource(ClusterFixtures.stableService(namespace, service)).create();
      }
    }
  }
}
