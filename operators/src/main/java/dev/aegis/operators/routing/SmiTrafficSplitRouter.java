package dev.aegis.operators.routing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SMI: sets the backends of TrafficSplit {@code <service>} ({@code split.smi-spec.io/v1alpha4}, the
 * last SMI release, integer weights) to Service {@code <service>} and {@code <service>-canary}. The
 * root service ({@code spec.service}) and any matches are left alone.
 */
public final class SmiTrafficSplitRouter extends MeshRouter {

  public static final ResourceDefinitionContext TRAFFIC_SPLIT =
      definition("split.smi-spec.io", "v1alpha4", "trafficsplits", "TrafficSplit");

  public SmiTrafficSplitRouter(KubernetesClient client) {
    super(client, TRAFFIC_SPLIT);
  }

  @Override
  void setWeights(Map<String, Object> spec, CanarySplit split, String where) {
    for (Object item : asList(spec.get("backends"))) {
      String name = String.valueOf(asMap(item).get("service"));
      if (!name.equals(split.service()) && !name.equals(split.canaryService())) {
        throw new UnsatisfiableEditException(
            where
                + " has a backend "
                + name
                + "; Aegis only splits between "
                + split.service()
                + " and "
                + split.canaryService());
      }
    }
    spec.put(
        "backends",
        new ArrayList<>(
            List.of(
                backend(split.service(), split.stableWeight()),
                backend(split.canaryService(), split.canaryWeight()))));
  }

  private static Map<String, Object> backend(String service, int weight) {
    Map<String, Object> backend = new LinkedHashMap<>();
    backend.put("service", service);
    backend.put("weight", weight);
    return backend;
  }
}
