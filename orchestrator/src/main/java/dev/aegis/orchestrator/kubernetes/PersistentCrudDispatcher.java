package dev.aegis.orchestrator.kubernetes;

import dev.aegis.orchestrator.kubernetes.ClusterStateStore.StoredObject;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8's CRUD API server whose objects outlive the process: after every change that succeeds,
 * the whole object set is saved ({@link ClusterStateStore}) before the response goes back, and
 * {@link #restore} puts a saved set back before the server takes requests. A client that got a 2xx
 * for a change therefore finds it after a crash; a change whose save failed is answered 500 (it is
 * in memory, and the next successful save writes it).
 *
 * <p>Changes and their saves are serialised, so the snapshots follow the order of the changes.
 * Reads are not held up. The objects are few (a demo cluster), so saving them all each time stays
 * cheap.
 */
final class PersistentCrudDispatcher extends IndexedCrudDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentCrudDispatcher.class);
  private static final Set<HttpMethod> CHANGES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final String CRD_PATH = "/apis/apiextensions.k8s.io/";

  private final ClusterStateStore store;
  private final Object changes = new Object();

  PersistentCrudDispatcher(ClusterStateStore store) {
    this.store = store;
  }

  /**
   * Loads the saved objects. Called before the server starts; custom resource definitions go first,
   * so the server knows their resources when the rest are put back.
   *
   * @return how many objects were restored
   */
  int restore() {
    synchronized (changes) {
      List<StoredObject> objects = new ArrayList<>(store.load());
      objects.sort(Comparator.comparing((StoredObject o) -> !o.path().startsWith(CRD_PATH)));
      long highestVersion = 0;
      for (StoredObject object : objects) {
        processEvent(object.path(), getKey(object.path()), null, null, object.json());
        highestVersion = Math.max(highestVersion, resourceVersionOf(object.json()));
      }
      // New resource versions continue above the restored ones, as a real API server's do.
      while (requestResourceVersion() < highestVersion) {
        // the counter only moves forward by one; the objects are few, so are their versions
      }
      return objects.size();
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!CHANGES.contains(request.method())) {
      return super.dispatch(request);
    }
    synchronized (changes) {
      MockResponse response = super.dispatch(request);
      if (response == null || response.code() < 200 || response.code() >= 300) {
        return response;
      }
      try {
        store.save(snapshot());
        return response;
      } catch (RuntimeException e) {
        LOG.error(
            "In-process Kubernetes API: {} {} applied but not saved",
            request.method(),
            request.getPath(),
            e);
        return new MockResponse()
            .setResponseCode(500)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500,"
                    + "\"reason\":\"InternalError\",\"message\":\"the change could not be saved to disk\"}");
      }
    }
  }

  private List<StoredObject> snapshot() {
    List<Map.Entry<AttributeSet, String>> entries;
    synchronized (map) {
      entries = map.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
    List<StoredObject> objects = new ArrayList<>(entries.size());
    for (Map.Entry<AttributeSet, String> entry : entries) {
      Optional<String> path = collectionPath(entry.getKey());
      if (path.isPresent()) {
        objects.add(new StoredObject(path.get(), entry.getValue()));
      } else {
        LOG.warn(
            "In-process Kubernetes API: not saving an object without a resource type: {}",
            entry.getKey());
      }
    }
    return objects;
  }

  /**
   * Where the object would be created: {@code /api/v1/namespaces/ns/services}, {@code
   * /apis/group/v/plural}.
   */
  static Optional<String> collectionPath(AttributeSet key) {
    Optional<String> plural = value(key, KubernetesAttributesExtractor.PLURAL);
    Optional<String> version = value(key, KubernetesAttributesExtractor.VERSION);
    if (plural.isEmpty() || version.isEmpty()) {
      return Optional.empty();
    }
    String path =
        value(key, KubernetesAttributesExtractor.API).map(api -> "/apis/" + api).orElse("/api")
            + "/"
            + version.get()
            + value(key, KubernetesAttributesExtractor.NAMESPACE)
                .map(ns -> "/namespaces/" + ns)
                .orElse("")
            + "/"
            + plural.get();
    return Optional.of(path);
  }

  private static Optional<String> value(AttributeSet key, String name) {
    Attribute attribute = key.getAttribute(name);
    if (attribute == null || attribute.getValues().isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(attribute.getValues().get(0).toString()).filter(v -> !v.isEmpty());
  }

  private static long resourceVersionOf(String json) {
    try {
      String version =
          Serialization.jsonMapper()
              .readTree(json)
              .path("metadata")
              .path("resourceVersion")
              .asText("");
      return version.matches("\\d{1,18}") ? Long.parseLong(version) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
