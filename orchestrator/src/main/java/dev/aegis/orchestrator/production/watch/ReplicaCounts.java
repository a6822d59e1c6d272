package dev.aegis.orchestrator.production.watch;

import dev.aegis.operators.actuation.ReplicaReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stable Deployments' replica counts the production guard scales from, kept for a short while
 * so that the cluster is asked at most once per service and {@code ttl}. Ingestion refreshes the
 * counts it will need ({@link #refresh}) before it opens its transaction; inside the transaction
 * {@link #of} answers from here, and reads through (behind the reader's circuit breaker) only for a
 * service it has never read.
 *
 * <p>When the cluster cannot answer, the last known count stays in use.
 */
public final class ReplicaCounts {

  private record Known(OptionalInt replicas, Instant at) {}

  private final ReplicaReader reader;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Known> cache = new ConcurrentHashMap<>();

  public ReplicaCounts(ReplicaReader reader, Clock clock, Duration ttl) {
    this.reader = reader;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * Reads the count again if it is older than the TTL; only for services read before. Call outside
   * transactions.
   */
  public void refresh(String namespace, String service) {
    Known known = cache.get(key(namespace, service));
    if (known != null && Duration.between(known.at(), clock.instant()).compareTo(ttl) >= 0) {
      read(namespace, service);
    }
  }

  /**
   * The stable Deployment's replica count; empty when the cluster does not know it (and never
   * told).
   */
  public OptionalInt of(String namespace, String service) {
    Known known = cache.get(key(namespace, service));
    return known != null ? known.replicas() : read(namespace, service);
  }

  /**
   * Marks the count stale after Aegis changed it itself; the next {@link #refresh} reads it again.
   */
  public void forget(String namespace, String service) {
    cache.computeIfPresent(
        key(namespace, service), (k, known) -> new Known(known.replicas(), Instant.EPOCH));
  }

  private OptionalInt read(String namespace, String service) {
    OptionalInt read = reader.stableReplicas(namespace, service);
    Known known =
        cache.compute(
            key(namespace, service),
            (k, old) ->
                read.isEmpty() && old != null
                    ? new Known(old.replicas(), clock.instant())
                    : new Known(read, clock.instant()));
    return known.replicas();
  }

  private static String key(String namespace, String service) {
    return namespace + "/" + service;
  }
}
