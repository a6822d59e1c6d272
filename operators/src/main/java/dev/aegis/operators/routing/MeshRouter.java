package dev.aegis.operators.routing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router that edits the weights of a mesh or gateway routing object named like the service, read
 * and written as a generic resource (no mesh SDK). The routing object must exist: it carries
 * configuration only its owner knows (hosts, gateways, parent refs, matches, retries), so Aegis
 * edits the weights of the routes that lead to the service and refuses the command when there is
 * none, rather than invent one.
 */
abstract class MeshRouter implements TrafficRouter {

  private final KubernetesClient client;
  private final ResourceDefinitionContext definition;

  MeshRouter(KubernetesClient client, ResourceDefinitionContext definition) {
    this.client = client;
    this.definition = definition;
  }

  /**
   * Rewrites {@code spec} so the routes that lead to the service split by the given weights. Throws
   * {@link UnsatisfiableEditException} when no route leads to the service, or a route also leads
   * elsewhere.
   */
  abstract void setWeights(Map<String, Object> spec, CanarySplit split, String where);

  @Override
  public String describe() {
    return definition.getKind()
        + " ("
        + definition.getGroup()
        + "/"
        + definition.getVersion()
        + ")";
  }

  @Override
  public boolean isConfiguredFor(String namespace, String service) {
    return objects(namespace).withName(service).get() != null;
  }

  @Override
  public boolean routesToCanaryService() {
    return true;
  }

  @Override
  public List<ObjectEdit<?>> route(CanarySplit split) {
    String where = definition.getKind() + " " + split.namespace() + "/" + split.service();
    return List.of(
        ObjectEdit.ofExisting(
            definition.getKind(),
            split.namespace(),
            split.service(),
            objects(split.namespace()),
            where
                + " not found: Aegis sets the weights of an existing "
                + definition.getKind()
                + " named like the service and does not create one (see docs/kubernetes.md)",
            resource -> {
              setWeights(spec(resource, where), split, where);
              return resource;
            }));
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      objects(String namespace) {
    return client.genericKubernetesResources(definition).inNamespace(namespace);
  }

  private static Map<String, Object> spec(GenericKubernetesResource resource, String where) {
    Object spec = resource.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map)) {
      throw new UnsatisfiableEditException(where + " has no spec");
    }
    return asMap(spec);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object value) {
    return value instanceof List ? (List<Object>) value : new ArrayList<>();
  }

  static ResourceDefinitionContext definition(
      String group, String version, String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(true)
        .build();
  }
}
