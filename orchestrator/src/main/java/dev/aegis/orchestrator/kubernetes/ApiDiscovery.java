package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The discovery documents of the in-process Kubernetes API ({@code /api}, {@code /api/v1}, {@code
 * /apis}, {@code /apis/<group>}, {@code /apis/<group>/<version>}): what {@code kubectl} reads to
 * map {@code deploy} or {@code aexp} to a URL. They list the kinds Aegis acts on ({@link
 * #BUILT_IN}) and every served version of every installed custom resource definition, as a real API
 * server does.
 *
 * <p>Only the legacy documents are served. kubectl 1.30 and later ask for aggregated discovery
 * first and fall back to these when the answer is plain {@code application/json}.
 *
 * <p>The OpenAPI v3 documents ({@link #openApiIndex}, {@link #openApi}) carry no schemas: they only
 * tell kubectl that the server takes {@code fieldValidation} (so {@code kubectl apply} leaves
 * validation to the server instead of downloading schemas to validate against), and name no kind,
 * so kubectl computes strategic merge patches from its own built-in types. The server does not
 * validate fields: like a cluster without schemas, it keeps what it is sent.
 */
final class ApiDiscovery {

  /** What the in-process server does with every kind it serves (its CRUD handlers do them all). */
  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /**
   * The kinds with a {@code scale} subresource (an {@code autoscaling/v1} Scale over their {@code
   * spec.replicas}), as group and plural: what {@code kubectl scale} and a client's {@code
   * scale(n)} use. No custom resource served here declares one.
   */
  private static final Set<String> SCALABLE = Set.of("apps/deployments", "apps/replicasets");

  /** What the {@code scale} subresource takes. */
  static final List<String> SCALE_VERBS = List.of("get", "patch", "update");

  /**
   * One resource type: its group ({@code ""} for core), version, plural, singular and kind, whether
   * it lives in a namespace, and kubectl's short names and categories for it.
   */
  record ServedKind(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** Whether a request path's group, version and plural name are this kind's. */
    boolean serves(String group, String version, String plural) {
      return this.group.equals(group) && this.version.equals(version) && this.plural.equals(plural);
    }
  }

  /**
   * The kinds Aegis reads or changes (docs/kubernetes.md: kubernetes/rbac.yaml lists the same), and
   * the few kubectl itself reads for {@code describe} (events, replica sets) or {@code get all},
   * and the two an application's manifest carries beside its Deployment and Service (Secrets,
   * ServiceAccounts), so that {@code kubectl apply -f} of such a manifest works here as it does on
   * a cluster (a Secret's {@code stringData} is stored as {@code data}, {@link SecretData}). Istio,
   * Gateway API and SMI are custom resources on a real cluster; here they are served as if
   * installed, as the operators expect them.
   */
  static final List<ServedKind> BUILT_IN =
      List.of(
          core("namespaces", "Namespace", false, List.of("ns"), List.of()),
          core("pods", "Pod", true, List.of("po"), List.of("all")),
          core("services", "Service", true, List.of("svc"), List.of("all")),
          core("configmaps", "ConfigMap", true, List.of("cm"), List.of()),
          core("secrets", "Secret", true, List.of(), List.of()),
          core("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of()),
          core("events", "Event", true, List.of("ev"), List.of()),
          kind("apps", "v1", "deployments", "Deployment", List.of("deploy"), List.of("all")),
          kind("apps", "v1", "replicasets", "ReplicaSet", List.of("rs"), List.of("all")),
          kind("batch", "v1", "jobs", "Job", List.of(), List.of("all")),
          kind("coordination.k8s.io", "v1", "leases", "Lease", List.of(), List.of()),
          kind(
              "networking.k8s.io",
              "v1",
              "networkpolicies",
              "NetworkPolicy",
              List.of("netpol"),
              List.of()),
          kind(
              "networking.istio.io",
              "v1",
              "virtualservices",
              "VirtualService",
              List.of("vs"),
              List.of("istio-io", "networking-istio-io")),
          kind(
              "gateway.networking.k8s.io",
              "v1",
              "httproutes",
              "HTTPRoute",
              List.of(),
              List.of("gateway-api")),
          kind(
              "split.smi-spec.io",
              "v1alpha4",
              "trafficsplits",
              "TrafficSplit",
              List.of("ts"),
              List.of()),
          new ServedKind(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "customresourcedefinition",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              List.of("api-extensions")));

  private final List<ServedKind> kinds;

  /**
   * @param kinds every kind served, in the order they are listed (groups keep the order of their
   *     first kind)
   */
  ApiDiscovery(List<ServedKind> kinds) {
    this.kinds = List.copyOf(kinds);
  }

  /**
   * The built-in kinds and the served versions of {@code customResourceDefinitions} (the {@code
   * items} of a {@code CustomResourceDefinitionList}, as JSON).
   */
  static ApiDiscovery of(List<JsonNode> customResourceDefinitions) {
    List<ServedKind> kinds = new ArrayList<>(BUILT_IN);
    for (JsonNode crd : customResourceDefinitions) {
      kinds.addAll(fromCrd(crd));
    }
    return new ApiDiscovery(kinds);
  }

  List<ServedKind> kinds() {
    return kinds;
  }

  /** {@code /api}: the core group's one version. */
  APIVersions coreVersions() {
    return new APIVersionsBuilder().withVersions("v1").build();
  }

  /** {@code /apis}: every named group with its versions, the first listed one preferred. */
  APIGroupList groups() {
    return new APIGroupListBuilder().withGroups(namedGroups().values().stream().toList()).build();
  }

  /** {@code /apis/<group>}, if that group is served. */
  Optional<APIGroup> group(String name) {
    return Optional.ofNullable(namedGroups().get(name));
  }

  /**
   * {@code /api/v1} ({@code group} empty) or {@code /apis/<group>/<version>}, if that version is
   * served.
   */
  Optional<APIResourceList> resources(String group, String version) {
    List<ServedKind> served =
        kinds.stream().filter(k -> k.group().equals(group) && k.version().equals(version)).toList();
    if (served.isEmpty()) {
      return Optional.empty();
    }
    APIResourceListBuilder list =
        new APIResourceListBuilder().withGroupVersion(served.get(0).groupVersion());
    for (ServedKind kind : served) {
      list.addToResources(
          new APIResourceBuilder()
              .withName(kind.plural())
              .withSingularName(kind.singular())
              .withKind(kind.kind())
              .withNamespaced(kind.namespaced())
              .withVerbs(VERBS)
              .withShortNames(kind.shortNames())
              .withCategories(kind.categories())
              .build());
      if (hasScale(kind.group(), kind.plural())) {
        // As a real API server lists it: client-go finds the Scale's group and version here.
        list.addToResources(
            new APIResourceBuilder()
                .withName(kind.plural() + "/scale")
                .withSingularName("")
                .withGroup("autoscaling")
                .withVersion("v1")
                .withKind("Scale")
                .withNamespaced(kind.namespaced())
                .withVerbs(SCALE_VERBS)
                .build());
      }
    }
    return Optional.of(list.build());
  }

  /** Whether the kind {@code group} and {@code plural} name has a {@code scale} subresource. */
  static boolean hasScale(String group, String plural) {
    return SCALABLE.contains(group + "/" + plural);
  }

  /** The served kind a request path's group, version and plural name, if any. */
  Optional<ServedKind> find(String group, String version, String plural) {
    return kinds.stream().filter(k -> k.serves(group, version, plural)).findFirst();
  }

  /**
   * {@code /openapi/v3}: one entry per served group version ({@code api/v1}, {@code
   * apis/apps/v1}...), each pointing at its {@link #openApi} document.
   */
  ObjectNode openApiIndex() {
    ObjectNode index = JsonNodeFactory.instance.objectNode();
    ObjectNode paths = index.putObject("paths");
    for (ServedKind kind : kinds) {
      String key = openApiKey(kind.group(), kind.version());
      if (!paths.has(key)) {
        paths
            .putObject(key)
            .put(
                "serverRelativeURL",
                "/openapi/v3/"
                    + key
                    + "?hash="
                    + Integer.toHexString(
                        openApi(kind.group(), kind.version()).orElseThrow().hashCode()));
      }
    }
    return index;
  }

  /**
   * {@code /openapi/v3/api/v1} ({@code group} empty) or {@code /openapi/v3/apis/<group>/<version>}:
   * each kind's PATCH operation with its {@code fieldValidation} parameter, and no schemas.
   */
  Optional<ObjectNode> openApi(String group, String version) {
    List<ServedKind> served =
        kinds.stream().filter(k -> k.group().equals(group) && k.version().equals(version)).toList();
    if (served.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode document = JsonNodeFactory.instance.objectNode();
    document.put("openapi", "3.0.0");
    document
        .putObject("info")
        .put("title", "Aegis in-process Kubernetes API")
        .put("version", version);
    ObjectNode paths = document.putObject("paths");
    ObjectNode schemas = document.putObject("components").putObject("schemas");
    for (ServedKind kind : served) {
      String item =
          "/"
              + openApiKey(group, version)
              + (kind.namespaced() ? "/namespaces/{namespace}/" : "/")
              + kind.plural()
              + "/{name}";
      ObjectNode patch = paths.putObject(item).putObject("patch");
      patch
          .putObject("x-kubernetes-group-version-kind")
          .put("group", group)
          .put("version", version)
          .put("kind", kind.kind());
      patch
          .putArray("parameters")
          .addObject()
          .put("name", "fieldValidation")
          .put("in", "query")
          .putObject("schema")
          .put("type", "string");
      patch.putObject("responses");
      schemas
          .putObject(kind.groupVersion().replace('/', '.') + "." + kind.kind())
          .put("type", "object")
          .put("x-kubernetes-preserve-unknown-fields", true);
    }
    return Optional.of(document);
  }

  private static String openApiKey(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  private Map<String, APIGroup> namedGroups() {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (ServedKind kind : kinds) {
      if (!kind.group().isEmpty()) {
        List<String> of = versions.computeIfAbsent(kind.group(), g -> new ArrayList<>());
        if (!of.contains(kind.version())) {
          of.add(kind.version());
        }
      }
    }
    Map<String, APIGroup> groups = new LinkedHashMap<>();
    versions.forEach(
        (group, served) -> {
          List<GroupVersionForDiscovery> entries =
              served.stream().map(v -> new GroupVersionForDiscovery(group + "/" + v, v)).toList();
          groups.put(
              group,
              new APIGroupBuilder()
                  .withName(group)
                  .withVersions(entries)
                  .withPreferredVersion(entries.get(0))
                  .build());
        });
    return groups;
  }

  /** One served kind per served version of a custom resource definition. */
  static List<ServedKind> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText("");
    String kind = names.path("kind").asText("");
    String plural = names.path("plural").asText("");
    if (group.isEmpty() || kind.isEmpty() || plural.isEmpty()) {
      return List.of();
    }
    String singular = names.path("singular").asText(kind.toLowerCase(Locale.ROOT));
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText("Namespaced"));
    List<String> shortNames = texts(names.path("shortNames"));
    List<String> categories = texts(names.path("categories"));
    List<ServedKind> served = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (version.path("served").asBoolean(true)) {
        served.add(
            new ServedKind(
                group,
                version.path("name").asText(),
                plural,
                singular,
                kind,
                namespaced,
                shortNames,
                categories));
      }
    }
    return served;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static ServedKind core(
      String plural, String kind, boolean namespaced, List<String> shortNames, List<String> cats) {
    return new ServedKind(
        "", "v1", plural, kind.toLowerCase(Locale.ROOT), kind, namespaced, shortNames, cats);
  }

  private static ServedKind kind(
      String group,
      String version,
      String plural,
      String kind,
      List<String> shortNames,
      List<String> categories) {
    return new ServedKind(
        group, version, plural, kind.toLowerCase(Locale.ROOT), kind, true, shortNames, categories);
  }
}
