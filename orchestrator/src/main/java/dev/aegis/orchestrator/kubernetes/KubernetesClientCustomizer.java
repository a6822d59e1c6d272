package dev.aegis.orchestrator.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Adjusts the Kubernetes client Aegis acts with before it is built (an HTTP interceptor, a proxy,
 * extra headers). Every bean of this type is applied, in order.
 */
@FunctionalInterface
public interface KubernetesClientCustomizer {

  void customize(KubernetesClientBuilder builder);
}
