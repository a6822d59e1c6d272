package dev.aegis.orchestrator.kubernetes;

import dev.aegis.orchestrator.readiness.TimedCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code kubernetes} readiness component: the Kubernetes API answers a read Aegis's role
 * allows, in time.
 */
@Configuration(proxyBeanMethods = false)
class KubernetesReadiness {

  @Bean(destroyMethod = "close")
  TimedCheck kubernetesHealthIndicator(
      KubernetesClient client, @Value("${aegis.readiness.timeout:2s}") Duration timeout) {
    return new TimedCheck("kubernetes", timeout) {
      @Override
      protected String check() {
        String namespace = client.getNamespace() == null ? "default" : client.getNamespace();
        // A get the role allows (Deployments); a missing one answers null, which proves the API
        // answers.
        client.apps().deployments().inNamespace(namespace).withName("aegis-readiness-probe").get();
        return "GET deployments in " + namespace;
      }
    };
  }
}
