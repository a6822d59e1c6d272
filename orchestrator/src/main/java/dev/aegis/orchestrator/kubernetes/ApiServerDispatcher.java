package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.orchestrator.kubernetes.ApiDiscovery.ServedKind;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the in-process API server adds to fabric8's CRUD dispatcher so that {@code kubectl} can work
 * with it: discovery ({@link ApiDiscovery}), {@code /version}, Tables for {@code kubectl get}
 * ({@link ObjectTables}), the patch types kubectl sends ({@link ObjectPatches}), the {@code scale}
 * subresource of Deployments and ReplicaSets, server-side dry runs, and Status bodies on 404s.
 * Every other request, and every object, is the CRUD dispatcher's.
 *
 * <p>Watches: fabric8 clients (Aegis's own) watch over WebSocket, which the CRUD dispatcher serves.
 * kubectl watches over a streaming HTTP response, which this server cannot hold open; such a watch
 * is answered 410 Expired, on which kubectl's waits ({@code delete}, {@code wait}) fall back to
 * listing again, and {@code kubectl get --watch} stops with the message.
 */
final class ApiServerDispatcher extends Dispatcher {

  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final String APPLY_PATCH = "application/apply-patch+yaml";
  static final String KUBERNETES_VERSION_MAJOR = "1";
  static final String KUBERNETES_VERSION_MINOR = "32";
  static final String WATCH_NOT_STREAMED =
      "the in-process Kubernetes API serves watches over WebSocket only, not as the streaming"
          + " response kubectl asks for: run kubectl get again instead of --watch";

  private static final String SCALE = "scale";
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final Pattern RESOURCE =
      Pattern.compile(
          "^/(?:api/(?<core>v1)|apis/(?<group>[^/]+)/(?<version>[^/]+))"
              + "(?:/namespaces/(?<namespace>[^/]+)(?=/))?"
              + "/(?<plural>[^/]+)(?:/(?<name>[^/]+)(?:/(?<sub>[^/]+))?)?$");
  private static final Pattern GROUP_VERSION = Pattern.compile("^/apis/([^/]+)/([^/]+)$");
  private static final Pattern GROUP = Pattern.compile("^/apis/([^/]+)$");
  private static final Pattern OPEN_API =
      Pattern.compile("^/openapi/v3/(?:api/(?<core>v1)|apis/(?<group>[^/]+)/(?<version>[^/]+))$");

  private static final ApiDiscovery BUILT_IN = ApiDiscovery.of(List.of());

  private final KubernetesCrudDispatcher objects;
  private final Clock clock;
  private final ObjectMapper json = Serialization.jsonMapper();

  ApiServerDispatcher(KubernetesCrudDispatcher objects, Clock clock) {
    this.objects = objects;
    this.clock = clock;
  }

  /** A request path to an object or a collection of them. */
  record ResourcePath(
      String group, String version, String namespace, String plural, String name, String sub) {

    static Optional<ResourcePath> parse(String path) {
      Matcher m = RESOURCE.matcher(path);
      if (!m.matches()) {
        return Optional.empty();
      }
      boolean core = m.group("core") != null;
      return Optional.of(
          new ResourcePath(
              core ? "" : m.group("group"),
              core ? "v1" : m.group("version"),
              m.group("namespace"),
              m.group("plural"),
              m.group("name"),
              m.group("sub")));
    }

    String collectionPath() {
      return (group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version)
          + (namespace == null ? "" : "/namespaces/" + namespace)
          + "/"
          + plural;
    }

    String resource() {
      return group.isEmpty() ? plural : plural + "." + group;
    }

    /** Whether this is a Secret or the Secrets of a namespace (not a subresource). */
    boolean isSecret() {
      return group.isEmpty() && "secrets".equals(plural) && sub == null;
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String target = request.getPath();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    Map<String, String> params = query < 0 ? Map.of() : params(target.substring(query + 1));
    Optional<ResourcePath> resource = ResourcePath.parse(path);
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf")) {
      return protobuf(request, target);
    }
    MockResponse response;
    try {
      if (resource.isPresent() && SCALE.equals(resource.get().sub())) {
        response = scale(request, path, params, resource.get());
      } else {
        response =
            switch (request.method()) {
              case GET -> get(request, path, params, resource);
              case PATCH -> patch(request, path, params, resource);
              case POST, PUT, DELETE ->
                  params.containsKey("dryRun") ? dryRun(request, path) : objects.dispatch(request);
              default -> objects.dispatch(request);
            };
      }
    } catch (JsonProcessingException e) {
      response =
          status(
              400, "BadRequest", "the body is not a Kubernetes object: " + e.getOriginalMessage());
    } catch (RuntimeException e) {
      // Answered, not thrown: an exception on the server's event loop would leave the caller
      // waiting for a response that never comes.
      response = status(400, "BadRequest", "the request could not be handled: " + e.getMessage());
    }
    if (response == null) {
      return null;
    }
    if (resource.isPresent()
        && resource.get().isSecret()
        && request.method() != HttpMethod.GET
        && response.code() / 100 == 2) {
      // The object a write answers with, as it was stored (IndexedCrudDispatcher#processEvent).
      response.setBody(SecretData.folded(bodyOf(response)));
    }
    if (response.code() == 404 && (response.getBody() == null || response.getBody().size() == 0)) {
      response = notFound(resource, path);
    }
    if (response.getHeaders().get("Content-Type") == null
        && response.getBody() != null
        && response.getBody().size() > 0) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  private MockResponse get(
      RecordedRequest request,
      String path,
      Map<String, String> params,
      Optional<ResourcePath> resource)
      throws JsonProcessingException {
    Optional<MockResponse> discovery = discovery(path);
    if (discovery.isPresent()) {
      return discovery.get();
    }
    if (path.equals("/openapi/v3")) {
      return ok(json.writeValueAsString(discovery().openApiIndex()));
    }
    Matcher openApi = OPEN_API.matcher(path);
    if (openApi.matches()) {
      boolean core = openApi.group("core") != null;
      return discovery()
          .openApi(core ? "" : openApi.group("group"), core ? "v1" : openApi.group("version"))
          .map(this::okJson)
          .orElseGet(() -> status(404, "NotFound", "no such group version"));
    }
    if (path.equals("/openapi") || path.startsWith("/openapi/") || path.startsWith("/swagger")) {
      return status(
          404, "NotFound", "the in-process Kubernetes API publishes no OpenAPI v2 schema");
    }
    if (resource.isEmpty()) {
      return status(404, "NotFound", "the server could not find the requested resource");
    }
    if ("true".equals(params.get("watch")) && request.getHeader("Upgrade") == null) {
      return status(410, "Expired", WATCH_NOT_STREAMED);
    }
    MockResponse response = objects.dispatch(request);
    if (isNamespaces(resource.get())) {
      response = withImplicitNamespaces(response, resource.get());
    }
    response = typedList(response, resource.get());
    String accept = request.getHeader("Accept");
    if (response.code() == 200 && accept != null && accept.contains("as=Table")) {
      return table(response, resource.get(), params.getOrDefault("includeObject", "Metadata"))
          .orElse(response);
    }
    return response;
  }

  /**
   * A list as an API server answers it: of kind {@code ServiceList}, {@code DeploymentList}..., in
   * its group version, where the CRUD server answers a {@code List} of {@code v1}. kubectl's typed
   * requests cast the list to its type ({@code kubectl cluster-info} panicked on it).
   */
  private MockResponse typedList(MockResponse response, ResourcePath resource)
      throws JsonProcessingException {
    if (response.code() != 200 || resource.name() != null || resource.sub() != null) {
      return response;
    }
    ObjectNode list = (ObjectNode) json.readTree(bodyOf(response));
    if (!"List".equals(list.path("kind").asText())) {
      return response;
    }
    Optional<ServedKind> kind =
        ApiDiscovery.BUILT_IN.stream()
            .filter(k -> k.serves(resource.group(), resource.version(), resource.plural()))
            .findFirst()
            .or(() -> crdKind(resource));
    if (kind.isEmpty()) {
      return response;
    }
    list.put("apiVersion", kind.get().groupVersion());
    list.put("kind", kind.get().kind() + "List");
    return okJson(list);
  }

  private Optional<ServedKind> crdKind(ResourcePath resource) {
    try {
      return discovery().find(resource.group(), resource.version(), resource.plural());
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static boolean isNamespaces(ResourcePath resource) {
    return resource.group().isEmpty()
        && resource.plural().equals("namespaces")
        && resource.namespace() == null
        && resource.sub() == null;
  }

  /**
   * Namespaces as kubectl expects them: the CRUD server keeps objects in any namespace without a
   * Namespace object, so {@code default} and every namespace an object is in exist too (kubectl
   * asks for the namespace when an object is not found, to say which of the two is missing).
   */
  private MockResponse withImplicitNamespaces(MockResponse response, ResourcePath resource) {
    Set<String> implicit = new TreeSet<>();
    implicit.add("default");
    synchronized (objects.getMap()) {
      for (AttributeSet key : objects.getMap().keySet()) {
        Attribute namespace = key.getAttribute(KubernetesAttributesExtractor.NAMESPACE);
        if (namespace != null && !namespace.getValues().isEmpty()) {
          implicit.add(namespace.getValues().get(0).toString());
        }
      }
    }
    try {
      if (resource.name() != null) {
        return response.code() == 404 && implicit.contains(resource.name())
            ? okJson(implicitNamespace(resource.name()))
            : response;
      }
      if (response.code() != 200) {
        return response;
      }
      ObjectNode list = (ObjectNode) json.readTree(bodyOf(response));
      ArrayNode items = list.withArray("/items");
      items.forEach(n -> implicit.remove(n.path("metadata").path("name").asText()));
      implicit.forEach(name -> items.add(implicitNamespace(name)));
      return okJson(list);
    } catch (JsonProcessingException e) {
      return response;
    }
  }

  private static ObjectNode implicitNamespace(String name) {
    ObjectNode namespace = JsonNodeFactory.instance.objectNode();
    namespace.put("apiVersion", "v1");
    namespace.put("kind", "Namespace");
    namespace.putObject("metadata").put("name", name);
    namespace.putObject("status").put("phase", "Active");
    return namespace;
  }

  private MockResponse okJson(JsonNode body) {
    try {
      return ok(json.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The discovery document or version for {@code path}, if it is one. */
  private Optional<MockResponse> discovery(String path) throws JsonProcessingException {
    Optional<?> document;
    if (path.equals("/version")) {
      Map<String, String> version = new HashMap<>();
      version.put("major", KUBERNETES_VERSION_MAJOR);
      version.put("minor", KUBERNETES_VERSION_MINOR);
      version.put(
          "gitVersion",
          "v" + KUBERNETES_VERSION_MAJOR + "." + KUBERNETES_VERSION_MINOR + ".0+aegis-in-process");
      version.put("platform", "aegis/in-process");
      document = Optional.of(version);
    } else if (path.equals("/api")) {
      document = Optional.of(discovery().coreVersions());
    } else if (path.equals("/apis")) {
      document = Optional.of(discovery().groups());
    } else if (path.equals("/api/v1")) {
      document = discovery().resources("", "v1");
    } else if (GROUP_VERSION.matcher(path).matches()) {
      Matcher groupVersion = GROUP_VERSION.matcher(path);
      groupVersion.matches();
      document = discovery().resources(groupVersion.group(1), groupVersion.group(2));
    } else if (GROUP.matcher(path).matches()) {
      Matcher group = GROUP.matcher(path);
      group.matches();
      document = discovery().group(group.group(1));
    } else {
      return Optional.empty();
    }
    return Optional.of(
        document.isPresent()
            ? ok(json.writeValueAsString(document.get()))
            : status(404, "NotFound", "the server could not find the requested resource"));
  }

  private ApiDiscovery discovery() throws JsonProcessingException {
    return ApiDiscovery.of(customResourceDefinitions());
  }

  private List<JsonNode> customResourceDefinitions() throws JsonProcessingException {
    MockResponse list = objects.dispatch(request(HttpMethod.GET, CRDS, null, null));
    List<JsonNode> crds = new ArrayList<>();
    if (list.code() == 200) {
      json.readTree(bodyOf(list)).path("items").forEach(crds::add);
    }
    return crds;
  }

  private Optional<MockResponse> table(
      MockResponse response, ResourcePath resource, String includeObject)
      throws JsonProcessingException {
    List<JsonNode> crds = customResourceDefinitions();
    Optional<ServedKind> kind =
        ApiDiscovery.of(crds).find(resource.group(), resource.version(), resource.plural());
    if (kind.isEmpty() || resource.sub() != null) {
      return Optional.empty();
    }
    JsonNode crd =
        crds.stream()
            .filter(
                c ->
                    c.path("spec").path("group").asText().equals(resource.group())
                        && c.path("spec")
                            .path("names")
                            .path("plural")
                            .asText()
                            .equals(resource.plural()))
            .findFirst()
            .orElse(null);
    JsonNode body = json.readTree(bodyOf(response));
    List<JsonNode> objects = new ArrayList<>();
    if (body.has("items")) {
      body.path("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    String resourceVersion = body.path("metadata").path("resourceVersion").asText("");
    ObjectNode table =
        ObjectTables.table(
            ObjectTables.columns(kind.get().group(), kind.get().kind(), crd, clock.instant()),
            objects,
            resourceVersion,
            includeObject);
    return Optional.of(ok(json.writeValueAsString(table)));
  }

  /**
   * A merge, strategic merge or apply patch, as a read of the object and a guarded write of the
   * result: a change made in between fails the write with 409, which kubectl retries.
   */
  private MockResponse patch(
      RecordedRequest request,
      String path,
      Map<String, String> params,
      Optional<ResourcePath> resource)
      throws JsonProcessingException {
    String contentType = mediaType(request.getHeader("Content-Type"));
    if (resource.isEmpty() || resource.get().name() == null || !isPatchTypeServed(contentType)) {
      return params.containsKey("dryRun")
          ? status(400, "BadRequest", "a dry run of this patch type is not supported here")
          : objects.dispatch(request);
    }
    JsonNode patch = patchOf(request, contentType);
    if (!patch.isObject()) {
      return status(400, "BadRequest", "the patch is not a JSON object");
    }
    boolean dryRun = params.containsKey("dryRun");
    MockResponse current = objects.dispatch(request(HttpMethod.GET, path, null, null));
    if (current.code() == 404 && contentType.equals(APPLY_PATCH) && resource.get().sub() == null) {
      ObjectNode created = (ObjectNode) ObjectPatches.withoutDirectives(patch);
      if (!(created.get("metadata") instanceof ObjectNode)) {
        created.putObject("metadata");
      }
      ((ObjectNode) created.get("metadata")).put("name", resource.get().name());
      return dryRun
          ? new MockResponse().setResponseCode(201).setBody(json.writeValueAsString(created))
          : objects.dispatch(
              request(
                  HttpMethod.POST,
                  resource.get().collectionPath(),
                  "application/json",
                  json.writeValueAsString(created)));
    }
    if (current.code() != 200) {
      return current;
    }
    JsonNode merged = ObjectPatches.apply(json.readTree(bodyOf(current)), patch);
    if (dryRun) {
      return ok(json.writeValueAsString(merged));
    }
    return objects.dispatch(
        request(HttpMethod.PUT, path, "application/json", json.writeValueAsString(merged)));
  }

  private static boolean isPatchTypeServed(String contentType) {
    return contentType.equals(MERGE_PATCH)
        || contentType.equals(STRATEGIC_MERGE_PATCH)
        || contentType.equals(APPLY_PATCH);
  }

  private JsonNode patchOf(RecordedRequest request, String contentType)
      throws JsonProcessingException {
    String body = request.getUtf8Body();
    return contentType.equals(APPLY_PATCH) ? applyConfiguration(body) : json.readTree(body);
  }

  /**
   * The {@code scale} subresource of a Deployment or ReplicaSet ({@code kubectl scale}, a client's
   * {@code scale(n)}): an {@code autoscaling/v1} Scale read from the object, and written by setting
   * the object's {@code spec.replicas} and saving the object itself.
   *
   * <p>None of these requests may reach the CRUD dispatcher: it keys a subresource path by its
   * object, so it would store a Scale sent with a PUT in place of the Deployment (which is then
   * gone, from memory and from the saved state), and delete the Deployment on a DELETE.
   */
  private MockResponse scale(
      RecordedRequest request, String path, Map<String, String> params, ResourcePath resource)
      throws JsonProcessingException {
    // Only built-in kinds scale here, so the custom resource definitions are not listed: that read
    // goes through every stored object, on every scale request.
    if (!ApiDiscovery.hasScale(resource.group(), resource.plural())
        || BUILT_IN.find(resource.group(), resource.version(), resource.plural()).isEmpty()) {
      return status(404, "NotFound", "the server could not find the requested resource");
    }
    String objectPath = objectPath(path);
    boolean dryRun = params.containsKey("dryRun");
    return switch (request.method()) {
      case GET -> {
        MockResponse object = objects.dispatch(request(HttpMethod.GET, objectPath, null, null));
        yield object.code() == 200 ? okJson(scaleOf(json.readTree(bodyOf(object)))) : object;
      }
      case PUT -> {
        JsonNode scale = json.readTree(request.getUtf8Body());
        String kind = scale.path("kind").asText("");
        if (!scale.isObject() || !(kind.isEmpty() || kind.equals("Scale"))) {
          yield status(
              400,
              "BadRequest",
              "the scale subresource is replaced with an autoscaling/v1 Scale"
                  + (kind.isEmpty() ? "" : ", not a " + kind));
        }
        yield writeScale(resource, objectPath, current -> scale, dryRun);
      }
      case PATCH -> {
        String contentType = mediaType(request.getHeader("Content-Type"));
        if (!isPatchTypeServed(contentType)) {
          yield status(
              415,
              "UnsupportedMediaType",
              "the scale subresource takes "
                  + String.join(", ", MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH)
                  + " here, not "
                  + (contentType.isEmpty() ? "a body without a Content-Type" : contentType));
        }
        JsonNode patch = patchOf(request, contentType);
        if (!patch.isObject()) {
          yield status(400, "BadRequest", "the patch is not a JSON object");
        }
        yield writeScale(
            resource, objectPath, current -> ObjectPatches.apply(current, patch), dryRun);
      }
      default ->
          status(
              405,
              "MethodNotAllowed",
              "the scale subresource takes " + String.join(", ", ApiDiscovery.SCALE_VERBS));
    };
  }

  /**
   * Sets the object's {@code spec.replicas} to those of the Scale {@code change} makes of its
   * current one, and saves the object through the CRUD dispatcher (which saves the state): a
   * resource version in the new Scale must be the object's, as on a real API server.
   *
   * @return the object's Scale after the change, or the status refusing it
   */
  private MockResponse writeScale(
      ResourcePath resource, String objectPath, UnaryOperator<JsonNode> change, boolean dryRun)
      throws JsonProcessingException {
    MockResponse current = objects.dispatch(request(HttpMethod.GET, objectPath, null, null));
    if (current.code() != 200) {
      return current;
    }
    ObjectNode object = (ObjectNode) json.readTree(bodyOf(current));
    JsonNode scale = change.apply(scaleOf(object));
    String currentVersion = object.path("metadata").path("resourceVersion").asText("");
    String expectedVersion = scale.path("metadata").path("resourceVersion").asText("");
    if (!expectedVersion.isEmpty() && !expectedVersion.equals(currentVersion)) {
      return status(
          409,
          "Conflict",
          "Operation cannot be fulfilled on "
              + resource.resource()
              + " \""
              + resource.name()
              + "\": the object has been modified; please apply your changes to the latest"
              + " version and try again");
    }
    JsonNode replicas = scale.path("spec").path("replicas");
    if (!replicas.isIntegralNumber() || !replicas.canConvertToInt() || replicas.intValue() < 0) {
      return status(
          422,
          "Invalid",
          "Scale.autoscaling \""
              + resource.name()
              + "\" is invalid: spec.replicas: must be a whole number of at least 0, was "
              + (replicas.isMissingNode() ? "missing" : replicas.toString()));
    }
    if (object.path("spec").path("replicas").equals(replicas)) {
      // Nothing changes, so nothing is written: the resource version stays, as on a real server.
      return okJson(scaleOf(object));
    }
    object.withObject("/spec").put("replicas", replicas.intValue());
    if (dryRun) {
      return okJson(scaleOf(object));
    }
    MockResponse updated =
        objects.dispatch(
            request(
                HttpMethod.PUT, objectPath, "application/json", json.writeValueAsString(object)));
    return updated.code() == 200 ? okJson(scaleOf(json.readTree(bodyOf(updated)))) : updated;
  }

  /** The {@code autoscaling/v1} Scale of a Deployment or ReplicaSet. */
  private static ObjectNode scaleOf(JsonNode object) {
    ObjectNode scale = JsonNodeFactory.instance.objectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    for (String field :
        List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (object.path("metadata").has(field)) {
        metadata.set(field, object.path("metadata").get(field));
      }
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
    List<String> selector = new ArrayList<>();
    object
        .path("spec")
        .path("selector")
        .path("matchLabels")
        .fields()
        .forEachRemaining(e -> selector.add(e.getKey() + "=" + e.getValue().asText()));
    scale
        .putObject("status")
        .put("replicas", object.path("status").path("replicas").asInt(0))
        .put("selector", String.join(",", selector));
    return scale;
  }

  private static String objectPath(String subresourcePath) {
    return subresourcePath.substring(0, subresourcePath.lastIndexOf('/'));
  }

  /** An apply configuration: JSON as kubectl sends it, or YAML. */
  private JsonNode applyConfiguration(String body) throws JsonProcessingException {
    try {
      return json.readTree(body);
    } catch (JsonProcessingException notJson) {
      Object yaml = Serialization.unmarshal(body, Object.class);
      return json.valueToTree(yaml);
    }
  }

  /**
   * A server-side dry run of a create, replace or delete: answered with what the change would
   * return, without making it.
   */
  private MockResponse dryRun(RecordedRequest request, String path) throws JsonProcessingException {
    return switch (request.method()) {
      case DELETE -> objects.dispatch(request(HttpMethod.GET, path, null, null));
      case POST -> {
        String body = request.getUtf8Body();
        json.readTree(body);
        yield new MockResponse().setResponseCode(201).setBody(body);
      }
      default -> {
        String body = request.getUtf8Body();
        json.readTree(body);
        yield ok(body);
      }
    };
  }

  private static MockResponse notFound(Optional<ResourcePath> resource, String path) {
    if (resource.isPresent() && resource.get().name() != null) {
      ResourcePath r = resource.get();
      return status(404, "NotFound", r.resource() + " \"" + r.name() + "\" not found");
    }
    return status(
        404, "NotFound", "the server could not find the requested resource (" + path + ")");
  }

  private static MockResponse ok(String body) {
    return new MockResponse().setResponseCode(200).setBody(body);
  }

  private static MockResponse status(int code, String reason, String message) {
    try {
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(
              Serialization.jsonMapper().writeValueAsString(statusBody(code, reason, message)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A request in protobuf, as kubectl's imperative commands send it (kubectl create namespace, ...;
   * kubectl does not fall back to JSON): served as the same request in JSON for the kinds {@link
   * ProtobufObjects} reads, refused with 415 and what to do instead for the others.
   */
  private MockResponse protobuf(RecordedRequest request, String target) {
    ObjectNode object;
    try {
      object =
          ProtobufObjects.toJson(request.getBody() == null ? null : request.getBody().getBytes());
    } catch (ProtobufObjects.Unsupported e) {
      return status(
          415,
          "UnsupportedMediaType",
          "the in-process Kubernetes API reads protobuf only for "
              + ProtobufObjects.KINDS
              + " as kubectl create makes them, and "
              + e.getMessage()
              + "; send it as JSON: kubectl apply -f FILE, or kubectl create ..."
              + " --dry-run=client -o yaml | kubectl apply -f -");
    } catch (IllegalArgumentException e) {
      return status(400, "BadRequest", "unreadable protobuf body: " + e.getMessage());
    }
    return dispatch(request(request.method(), target, "application/json", object.toString()));
  }

  private static ObjectNode statusBody(int code, String reason, String message) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return status;
  }

  private static RecordedRequest request(
      HttpMethod method, String path, String contentType, String body) {
    Headers.Builder headers = Headers.builder();
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        headers.build(),
        new Buffer(body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String bodyOf(MockResponse response) {
    return response.getBody() == null
        ? ""
        : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int parameters = contentType.indexOf(';');
    return (parameters < 0 ? contentType : contentType.substring(0, parameters))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> params(String query) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }
}
