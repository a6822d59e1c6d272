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
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * fabric8's CRUD API server with its namespaced objects also indexed by namespace and name.
 *
 * <p>The CRUD server finds an object by comparing the request with every stored object: with 10 000
 * services under canary (30 000 Deployments, Services and routes) each GET, PUT or PATCH of one
 * object compared 30 000 attribute sets, and the in-process server took more CPU than the
 * orchestrator's consumers. Here a request for one named object in a namespace looks only at the
 * objects of that name in that namespace, with the server's own match.
 *
 * <p>The index answers only when it is certain: exactly one indexed object of that name matches, or
 * none does. Anything else (two matches, a list, a watch, a query string, a cluster-scoped object)
 * goes to the CRUD server's scan, so the answers are the scan's. Every change passes through {@link
 * #processEvent}, which keeps the index.
 */
class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

  private record Named(String namespace, String name) {}

  private final Map<Named, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
  private final ReadWriteLock consistency = new ReentrantReadWriteLock();
  private final AtomicLong scans = new AtomicLong();

  /**
   * Reads one named object from the index. The CRUD server's lock is its own, so the index has one
   * of its own: a change holds it while the object is re-keyed in the store and the index, and a
   * read never sees the object missing halfway.
   */
  @Override
  public MockResponse handleGet(String path) {
    if (path.indexOf('?') < 0) {
      Lookup lookup;
      Lock read = consistency.readLock();
      read.lock();
      try {
        lookup = lookup(getKey(path));
      } finally {
        read.unlock();
      }
      if (lookup instanceof Lookup.Found found) {
        return new MockResponse()
            .setResponseCode(HttpURLConnection.HTTP_OK)
            .setBody(found.entry().getValue());
      }
      if (lookup instanceof Lookup.Absent) {
        // What the CRUD server answers for a named object it does not have.
        return new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
      }
    }
    scans.incrementAndGet();
    return super.handleGet(path);
  }

  /**
   * Called by the CRUD server's create, replace and patch under its write lock, which every change
   * holds too: the index cannot change meanwhile.
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

  /**
   * Stores {@code newState} (null: removes the object) and keeps the index. A Secret is stored as
   * an API server stores it, its {@code stringData} folded into {@code data} ({@link SecretData}):
   * every create, replace and patch, of every patch type, passes through here.
   */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    if (newState != null && newState.contains("\"stringData\"") && isSecret(path)) {
      newState = SecretData.folded(newState);
    }
    Lock write = consistency.writeLock();
    write.lock();
    try {
      super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
      if (oldAttributes != null) {
        named(oldAttributes).ifPresent(n -> forget(n, oldAttributes));
      }
      if (newState != null) {
        AttributeSet stored = storedKey(pathAttributes, resource, newState);
        named(stored).ifPresent(n -> byName.computeIfAbsent(n, k -> newKeySet()).add(stored));
      }
    } finally {
      write.unlock();
    }
  }

  private static boolean isSecret(String path) {
    int query = path.indexOf('?');
    return ApiServerDispatcher.ResourcePath.parse(query < 0 ? path : path.substring(0, query))
        .filter(ApiServerDispatcher.ResourcePath::isSecret)
        .isPresent();
  }

  /** Look-ups the index left to the CRUD server's scan (for tests). */
  long scans() {
    return scans.get();
  }

  /** What the index knows of a request for one object. */
  private sealed interface Lookup {
    /** The one stored object the request matches. */
    record Found(Map.Entry<AttributeSet, String> entry) implements Lookup {}

    /** No stored object of that namespace and name matches. */
    record Absent() implements Lookup {}

    /** Not a request for one namespaced object, or two objects match. */
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

  /**
   * The key {@link #processEvent} just stored {@code newState} under: computed as the CRUD server
   * computes it, and checked; should the two ever differ, the last key stored is the one (the
   * server re-inserts a changed object last), found by a walk through the store.
   */
  private AttributeSet storedKey(
      AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
    KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
    AttributeSet key =
        resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
    if (!key.containsKey(KubernetesAttributesExtractor.PLURAL)) {
      key = AttributeSet.merge(pathAttributes, key);
    }
    return map.get(key) == newState ? key : lastStored();
  }

  /** The key of the object stored last. */
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
