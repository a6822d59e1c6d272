package dev.aegis.chaos;

import dev.aegis.events.data.Track;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Names, labels and API coordinates of what the injector creates or edits. Every object it creates
 * is named {@code aegis-chaos-<short id>} and labelled with the fault, the target service and its
 * track, so {@code kubectl get all -l aegis.dev/chaos-fault} finds a fault's leftovers; an HTTP
 * route it adds is named {@code aegis-fault-<fault id>}.
 */
public final class ChaosObjects {

  /** Label: the fault that created the object (the fault id as a label value). */
  public static final String FAULT_LABEL = "aegis.dev/chaos-fault";

  /** Label: the service the fault targets. */
  public static final String TARGET_LABEL = "aegis.dev/chaos-target";

  /** Label: the fault's kind ({@code cpu-stress}, {@code network-partition}, ...). */
  public static final String KIND_LABEL = "aegis.dev/chaos-kind";

  /** Label: the track the fault targets ({@code canary}, {@code stable}, {@code baseline}). */
  public static final String TRACK_LABEL = "aegis.dev/chaos-track";

  /** Label on canary pods: the service it is a canary of (as the operators set it). */
  public static final String CANARY_OF = "aegis.dev/canary-of";

  /** Label on canary pods: {@code canary} (as the operators set it). */
  public static final String TRACK = "aegis.dev/track";

  public static final String CANARY = "canary";

  public static final String CHAOS_MESH_GROUP = "chaos-mesh.org";
  public static final String CHAOS_MESH_API_VERSION = "chaos-mesh.org/v1alpha1";

  public static final ResourceDefinitionContext VIRTUAL_SERVICE =
      definition("networking.istio.io", "v1", "virtualservices", "VirtualService");
  public static final ResourceDefinitionContext HTTP_ROUTE =
      definition("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");
  public static final ResourceDefinitionContext POD_CHAOS =
      definition(CHAOS_MESH_GROUP, "v1alpha1", "podchaos", "PodChaos");
  public static final ResourceDefinitionContext HTTP_CHAOS =
      definition(CHAOS_MESH_GROUP, "v1alpha1", "httpchaos", "HTTPChaos");
  public static final ResourceDefinitionContext STRESS_CHAOS =
      definition(CHAOS_MESH_GROUP, "v1alpha1", "stresschaos", "StressChaos");
  public static final ResourceDefinitionContext NETWORK_CHAOS =
      definition(CHAOS_MESH_GROUP, "v1alpha1", "networkchaos", "NetworkChaos");

  private static final List<ResourceDefinitionContext> KNOWN =
      List.of(
          VIRTUAL_SERVICE,
          HTTP_ROUTE,
          POD_CHAOS,
          HTTP_CHAOS,
          STRESS_CHAOS,
          NETWORK_CHAOS,
          definition("batch", "v1", "jobs", "Job"),
          definition("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy"));

  private static final int MAX_SHORT_ID = 40;
  private static final int MAX_LABEL_VALUE = 63;

  private ChaosObjects() {}

  /** The Chaos Mesh resource that carries {@code kind}. */
  public static ResourceDefinitionContext chaosMeshResource(FaultKind kind) {
    return switch (kind) {
      case POD_KILL -> POD_CHAOS;
      case LATENCY, ABORT -> HTTP_CHAOS;
      case CPU_STRESS, MEMORY_STRESS -> STRESS_CHAOS;
      case NETWORK_PARTITION, DEPENDENCY_OUTAGE -> NETWORK_CHAOS;
    };
  }

  /**
   * The name of the custom resource definition of {@code definition}, e.g. {@code
   * podchaos.chaos-mesh.org}.
   */
  public static String crdName(ResourceDefinitionContext definition) {
    return definition.getPlural() + "." + definition.getGroup();
  }

  /** {@code aegis-chaos-<short id>}: a DNS-1123 name at most 52 characters long. */
  public static String objectName(String faultId) {
    return "aegis-chaos-" + shortId(faultId);
  }

  /** {@code aegis-fault-<fault id>}: the name of the HTTP route an injection adds. */
  public static String routeName(String faultId) {
    return "aegis-fault-" + faultId;
  }

  /**
   * The fault id as a DNS-1123 label fragment: lower-cased, other characters as '-', and when
   * longer than 40 characters its first 31 and 8 hex digits of its SHA-256, so distinct ids keep
   * distinct names.
   */
  public static String shortId(String faultId) {
    String cleaned =
        faultId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
    if (cleaned.length() <= MAX_SHORT_ID && cleaned.equals(faultId) && !cleaned.isEmpty()) {
      return cleaned;
    }
    String prefix =
        cleaned.substring(0, Math.min(cleaned.length(), MAX_SHORT_ID - 9)).replaceAll("-+$", "");
    return (prefix.isEmpty() ? "" : prefix + "-") + sha256(faultId).substring(0, 8);
  }

  /** The labels of every object an injection creates. */
  public static Map<String, String> labels(String faultId, FaultTarget target) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(FAULT_LABEL, labelValue(faultId));
    labels.put(TARGET_LABEL, labelValue(target.service()));
    labels.put(TRACK_LABEL, target.track().wire());
    return labels;
  }

  /** {@link #labels(String, FaultTarget)} and the fault's kind ({@link #KIND_LABEL}). */
  public static Map<String, String> labels(String faultId, FaultSpec spec) {
    Map<String, String> labels = labels(faultId, spec.target());
    labels.put(KIND_LABEL, spec.kind().wireName());
    return labels;
  }

  /** A label value: invalid characters become '-', at most 63 characters, alphanumeric ends. */
  public static String labelValue(String value) {
    String cleaned = value.replaceAll("[^A-Za-z0-9._-]", "-");
    if (cleaned.length() > MAX_LABEL_VALUE) {
      cleaned = cleaned.substring(0, MAX_LABEL_VALUE);
    }
    cleaned = cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    return cleaned.isEmpty() ? "unknown" : cleaned;
  }

  /** {@code checkout (canary)}, {@code demo/checkout (stable)}: how summaries name a target. */
  public static String describe(FaultTarget target) {
    return target.namespace() + "/" + target.service() + " (" + target.track().wire() + ")";
  }

  static boolean isCanary(FaultTarget target) {
    return target.track() == Track.CANARY;
  }

  /**
   * The API coordinates of {@code apiVersion}/{@code kind}, for the kinds the injector creates or
   * edits.
   */
  static ResourceDefinitionContext definitionOf(String apiVersion, String kind) {
    for (ResourceDefinitionContext known : KNOWN) {
      if (known.getKind().equals(kind)
          && (known.getGroup() + "/" + known.getVersion()).equals(apiVersion)) {
        return known;
      }
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    return definition(group, version, kind.toLowerCase(Locale.ROOT) + "s", kind);
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

  /** A deep, mutable copy of JSON-like maps and lists. */
  @SuppressWarnings("unchecked")
  static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(deepCopy(v)));
      return copy;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object value) {
    return value instanceof List ? (List<Object>) value : new ArrayList<>();
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
