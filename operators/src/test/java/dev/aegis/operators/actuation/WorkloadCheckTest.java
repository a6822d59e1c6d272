package dev.aegis.operators.actuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.operators.routing.GatewayApiHttpRouteRouter;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a submission needs on the cluster, read from fabric8's API server in CRUD mode. */
class WorkloadCheckTest {

  private static final String NS = "shop";

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  private void deployment(String service) {
    ClusterFixtures.createStableDeployment(api.adminClient(), NS, service, service + ":1.0", 3);
  }

  private void service(String service) {
    api.adminClient()
        .services()
        .inNamespace(NS)
        .resource(ClusterFixtures.stableService(NS, service))
        .create();
  }

  private void create(ResourceDefinitionContext definition, GenericKubernetesResource routing) {
    ClusterFixtures.create(api.adminClient(), definition, routing);
  }

  private KubernetesWorkloadCheck check() {
    return new KubernetesWorkloadCheck(api.client());
  }

  @Test
  @DisplayName("without its stable Deployment no router can run a canary of the service")
  void missingDeployment() {
    for (RouterKind kind : RouterKind.values()) {
      assertThat(check().missing(NS, "checkout", kind))
          .as("router %s", kind)
          .first()
          .asString()
          .startsWith("Deployment shop/checkout not found");
    }
  }

  @Test
  @DisplayName("replica-ratio and auto with no routing object need just the Deployment")
  void replicaRatioNeedsTheDeployment() {
    deployment("checkout");

    assertThat(check().missing(NS, "checkout", RouterKind.REPLICA_RATIO)).isEmpty();
    assertThat(check().missing(NS, "checkout", RouterKind.AUTO)).isEmpty();
  }

  @Test
  @DisplayName("router istio needs the VirtualService named like the service, and its Service")
  void istioNeedsItsVirtualServiceAndService() {
    deployment("checkout");

    assertThat(check().missing(NS, "checkout", RouterKind.ISTIO))
        .satisfiesExactly(
            vs -> assertThat(vs).startsWith("VirtualService shop/checkout not found"),
            svc -> assertThat(svc).startsWith("Service shop/checkout not found"));
    assertThat(check().missing(NS, "checkout", RouterKind.GATEWAY_API))
        .first()
        .asString()
        .startsWith("HTTPRoute shop/checkout not found");
    assertThat(check().missing(NS, "checkout", RouterKind.SMI))
        .first()
        .asString()
        .startsWith("TrafficSplit shop/checkout not found");

    create(
        IstioVirtualServiceRouter.VIRTUAL_SERVICE, ClusterFixtures.virtualService(NS, "checkout"));
    service("checkout");
    assertThat(check().missing(NS, "checkout", RouterKind.ISTIO)).isEmpty();
  }

  @Test
  @DisplayName("auto detects the routing object present and then asks for that router's Service")
  void autoFollowsDetection() {
    deployment("checkout");
    create(GatewayApiHttpRouteRouter.HTTP_ROUTE, ClusterFixtures.httpRoute(NS, "checkout"));

    assertThat(check().missing(NS, "checkout", RouterKind.AUTO))
        .singleElement()
        .asString()
        .isEqualTo("Service shop/checkout not found: HTTPRoute routes to the stable Service");

    service("checkout");
    assertThat(check().missing(NS, "checkout", RouterKind.AUTO)).isEmpty();
  }

  @Test
  @DisplayName("an API server that answers an error is an exception, not a missing object")
  void apiErrorThrows() {
    api.server()
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/shop/deployments/checkout")
        .andReturn(500, "etcd unavailable")
        .always();

    assertThatThrownBy(() -> check().missing(NS, "checkout", RouterKind.AUTO))
        .isInstanceOf(KubernetesClientException.class);
  }
}
