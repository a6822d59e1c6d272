package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.operators.routing.GatewayApiHttpRouteRouter;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.routing.SmiTrafficSplitRouter;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The discovery documents kubectl maps kinds with: every kind Aegis reads or changes is listed in
 * its group version, with every verb and the right scope, and so is the installed {@code
 * Experiment} CRD.
 */
class ApiDiscoveryTest {

  /** A kind Aegis uses: group, version, plural, kind, namespaced, a short name or "". */
  record Expected(
      String group, String version, String plural, String kind, boolean namespaced, String short_) {

    @Override
    public String toString() {
      return (group.isEmpty() ? "core" : group) + "/" + version + " " + plural;
    }
  }

  static List<Expected> kindsAegisUses() {
    return List.of(
        new Expected("", "v1", "namespaces", "Namespace", false, "ns"),
        new Expected("", "v1", "pods", "Pod", true, "po"),
        new Expected("", "v1", "services", "Service", true, "svc"),
        new Expected("", "v1", "configmaps", "ConfigMap", true, "cm"),
        new Expected("", "v1", "secrets", "Secret", true, ""),
        new Expected("", "v1", "serviceaccounts", "ServiceAccount", true, "sa"),
        new Expected("", "v1", "events", "Event", true, "ev"),
        new Expected("apps", "v1", "deployments", "Deployment", true, "deploy"),
        new Expected("apps", "v1", "replicasets", "ReplicaSet", true, "rs"),
        new Expected("batch", "v1", "jobs", "Job", true, ""),
        new Expected("coordination.k8s.io", "v1", "leases", "Lease", true, ""),
        new Expected("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, "netpol"),
        router(IstioVirtualServiceRouter.VIRTUAL_SERVICE, "vs"),
        router(GatewayApiHttpRouteRouter.HTTP_ROUTE, ""),
        router(SmiTrafficSplitRouter.TRAFFIC_SPLIT, "ts"),
        new Expected(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            "crd"),
        new Expected("aegis.dev", "v1alpha1", "experiments", "Experiment", true, "aexp"));
  }

  /** The routers' own definitions: a router moving to another version moves discovery with it. */
  private static Expected router(ResourceDefinitionContext router, String shortName) {
    return new Expected(
        router.getGroup(),
        router.getVersion(),
        router.getPlural(),
        router.getKind(),
        true,
        shortName);
  }

  private final ApiDiscovery discovery = ApiDiscovery.of(List.of(experimentCrd()));

  @ParameterizedTest(name = "{0} is listed with every verb, its kind, scope and short name")
  @MethodSource("kindsAegisUses")
  void everyKindAegisUsesIsListed(Expected expected) {
    APIResourceList list = discovery.resources(expected.group(), expected.version()).orElseThrow();
    assertThat(list.getGroupVersion())
        .isEqualTo(
            expected.group().isEmpty()
                ? expected.version()
                : expected.group() + "/" + expected.version());
    Optional<APIResource> resource =
        list.getResources().stream().filter(r -> r.getName().equals(expected.plural())).findFirst();
    assertThat(resource).as("%s in %s", expected.plural(), list.getGroupVersion()).isPresent();
    assertThat(resource.get().getKind()).isEqualTo(expected.kind());
    assertThat(resource.get().getNamespaced()).isEqualTo(expected.namespaced());
    assertThat(resource.get().getVerbs())
        .containsExactlyInAnyOrder(
            "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    if (!expected.short_().isEmpty()) {
      assertThat(resource.get().getShortNames()).contains(expected.short_());
    }
  }

  @ParameterizedTest(name = "{0}: its group is in /apis, and has an OpenAPI v3 document")
  @MethodSource("kindsAegisUses")
  void everyNamedGroupIsInTheGroupList(Expected expected) {
    String key =
        expected.group().isEmpty()
            ? "api/" + expected.version()
            : "apis/" + expected.group() + "/" + expected.version();
    assertThat(discovery.openApiIndex().path("paths").has(key)).as(key).isTrue();
    JsonNode document = discovery.openApi(expected.group(), expected.version()).orElseThrow();
    assertThat(document.path("paths").toString())
        .contains("\"kind\":\"" + expected.kind() + "\"")
        .contains("fieldValidation");
    if (expected.group().isEmpty()) {
      assertThat(discovery.coreVersions().getVersions()).containsExactly("v1");
      return;
    }
    List<String> versions =
        discovery.groups().getGroups().stream()
            .filter(g -> g.getName().equals(expected.group()))
            .flatMap(g -> g.getVersions().stream())
            .map(GroupVersionForDiscovery::getVersion)
            .toList();
    assertThat(versions).contains(expected.version());
    APIGroup group = discovery.group(expected.group()).orElseThrow();
    assertThat(group.getPreferredVersion().getGroupVersion())
        .isEqualTo(expected.group() + "/" + expected.version());
  }

  @Test
  @DisplayName("a group version nothing serves has no document, and a deleted CRD's kind is gone")
  void unservedGroupVersionsHaveNoDocument() {
    assertThat(discovery.resources("apps", "v1beta1")).isEmpty();
    assertThat(discovery.group("chaos-mesh.org")).isEmpty();
    ApiDiscovery withoutCrd = ApiDiscovery.of(List.of());
    assertThat(withoutCrd.resources("aegis.dev", "v1alpha1")).isEmpty();
    assertThat(withoutCrd.groups().getGroups())
        .extracting(APIGroup::getName)
        .doesNotContain("aegis.dev");
  }

  @Test
  @DisplayName(
      "Deployments and ReplicaSets list their autoscaling/v1 scale subresource; nothing else has"
          + " one")
  void deploymentsListTheirScaleSubresource() {
    List<APIResource> apps = discovery.resources("apps", "v1").orElseThrow().getResources();
    for (String plural : List.of("deployments", "replicasets")) {
      assertThat(apps)
          .filteredOn(r -> r.getName().equals(plural + "/scale"))
          .singleElement()
          .satisfies(
              scale -> {
                assertThat(scale.getGroup()).isEqualTo("autoscaling");
                assertThat(scale.getVersion()).isEqualTo("v1");
                assertThat(scale.getKind()).isEqualTo("Scale");
                assertThat(scale.getNamespaced()).isTrue();
                assertThat(scale.getVerbs()).containsExactlyInAnyOrder("get", "patch", "update");
              });
    }
    assertThat(ApiDiscovery.hasScale("", "services")).isFalse();
    assertThat(ApiDiscovery.hasScale("aegis.dev", "experiments")).isFalse();
    assertThat(discovery.resources("", "v1").orElseThrow().getResources())
        .extracting(APIResource::getName)
        .noneMatch(name -> name.contains("/"));
  }

  @Test
  @DisplayName("a CRD's versions that are not served are not listed")
  void onlyServedCrdVersionsAreListed() {
    JsonNode crd = experimentCrd().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) crd.path("spec").path("versions").get(0))
        .put("served", false);
    assertThat(ApiDiscovery.fromCrd(crd)).isEmpty();
    assertThat(ApiDiscovery.fromCrd(experimentCrd()))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.categories()).contains("aegis");
              assertThat(k.singular()).isEqualTo("experiment");
            });
  }

  static JsonNode experimentCrd() {
    try (InputStream yaml =
        ApiDiscoveryTest.class.getClassLoader().getResourceAsStream(AegisKubernetes.CRD_RESOURCE)) {
      return Serialization.jsonMapper()
          .valueToTree(Serialization.unmarshal(yaml, CustomResourceDefinition.class));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
