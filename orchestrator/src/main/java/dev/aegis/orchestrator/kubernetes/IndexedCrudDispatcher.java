package dev.aegis.orchestrator.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fabric8's CRUD API server with its namespaced objects also indexed by namespace and name.
 *
 * <p>The CRUD server finds an object by comparing the request with every stored object: with 10 000
 * services under canary (30 000 Deployments, Services and routes) each GET, PUT or PATCH of one
 * object compared 30 000 attribute sets, and the in-process server took more CPU than the
 * orchestrator's consumers. Here a request for one named object in a namespace looks only at the
 * objects of that name in that namespace, with the server's own match.
 *
 * <p>The index answers only when it is certain: exactly one indexed object of that name matches and
 * it is still stored, or, under the server's lock, none does. Anything else (two matches, a list, a
 * watch, a query string, a cluster-scoped object, an object changed while it was read) goes to the
 * CRUD server's scan, so the answers are the scan's. Every change passes through {@link
 * #processEvent}, which keeps the index; the CRUD server re-inserts a changed object last, which is
 * how its new key is found.
 */
class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

  private record Named(String namespace, String name) {}

  private final Map<Named, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
  private final AtomicLong scans = new AtomicLong();

  /**
   * Reads one named object from the index, without the server's lock: an object being changed
   * meanwhile may be missing from it for a moment, so only a found object is answered here; a miss
   * is the scan's to answer.
   */
  @Override
  public MockResponse handleGet(String path) {
    if (path.indexOf('?') < 0) {
      Lookup lookup = lookup(getKey(path));
      if (lookup instanceof Lookup.Found found) {
        return new MockResponse()
            .setResponseCode(HttpURLConnection.HTTP_OK)
            .setBody(found.entry().getValue());
      }
    }
    scans.incrementAndGet();
    return super.handleGet(path);
  }

  /**
   * Called by the CRUD server's create, replace and patch under its lock, where the index is
   * complete: an absence is certain too.
   */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    Lookup lookup = lookup(attributes);
    if (lookup instanceof Lookup.Found found) {
      return found.entry();
    }
    if (lookup instanceof Lookup.Absent) {
      return null;
    }
    scans.incrementAndGet();
    return super.findResource(attributes);
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      named(oldAttributes).ifPresent(n -> forget(n, oldAttributes));
    }
    if (newState != null) {
      AttributeSet stored = lastStored();
      named(stored).ifPresent(n -> byName.computeIfAbsent(n, k -> newKeySet()).add(stored));
    }
  }

  /** Look-ups the index left to the CRUD server's scan (for tests). */
  long scans() {
    return scans.get();
  }

  /** What the index knows of a request for one object. */
  private sealed interface Lookup {
    /** The one stored object the request matches. */
    record Found(Map.Entry<AttributeSet, String> entry) implements Lookup {}

    /** No stored object of that namespace and name matches (certain only under the lock). */
    record Absent() implements Lookup {}

    /** Not a request for one namespaced object, two objects match, or one changed meanwhile. */
    record Unsure() implements Lookup {}
  }

  private Lookup lookup(AttributeSet query) {
    Optional<Named> named = named(query);
    if (named.isEmpty()) {
      return new Lookup.Unsure();
    }
    Set<AttributeSet> keys = byName.getOrDefault(named.get(), Set.of());
    Map.Entry<AttributeSet, String> found = null;
    for (AttributeSet key : keys) {
      if (!key.matches(query)) {
        continue;
      }
      String stored = map.get(key);
      if (stored == null || found != null) {
        return new Lookup.Unsure();
      }
      found = Map.entry(key, stored);
    }
    return found == null ? new Lookup.Absent() : new Lookup.Found(found);
  }

  private void forget(Named named, AttributeSet key) {
    byName.computeIfPresent(
        named,
        (k, keys) -> {
          keys.remove(key);
          return keys.isEmpty() ? null : keys;
        });
  }

  /** The key of the object stored last: the one {@link #processEvent} just put. */
  private AttributeSet lastStored() {
    synchronized (map) {
      AttributeSet last = null;
      Iterator<AttributeSet> keys = map.keySet().iterator();
      while (keys.hasNext()) {
        last = keys.next();
      }
      return last;
    }
  }

  /** Namespace and name when both are plain values the server compares for equality. */
  private static Optional<Named> named(AttributeSet attributes) {
    String namespace = plain(attributes, KubernetesAttributesExtractor.NAMESPACE);
    String name = plain(attributes, KubernetesAttributesExtractor.NAME);
    return namespace == null || name == null
        ? Optional.empty()
        : Optional.of(new Named(namespace, name));
  }

  private static String plain(AttributeSet attributes, String key) {
    Attribute attribute = attributes.getAttribute(key);
    if (attribute == null
        || attribute.getType() != AttributeType.WITH
        || attribute.getValues().size() != 1) {
      return null;
    }
    String value = attribute.getValues().get(0).toString();
    return value == null || value.isEmpty() || value.equals("*") ? null : value;
  }

  private static Set<AttributeSet> newKeySet() {
    return ConcurrentHashMap.newKeySet();
  }
}
