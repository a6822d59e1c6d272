package dev.aegis.orchestrator.messaging;

import dev.aegis.events.Topics;
import dev.aegis.events.data.HealthReported;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Which services' health windows this replica has consumed from which partition of {@code
 * aegis.health}, so that when a rebalance takes a partition away (another replica owns it now), the
 * in-memory watch of those services can be handed over rather than left stale.
 */
public final class PartitionServices {

  /** A service as its windows named it: {@code namespace} null when they named none. */
  public record Service(String namespace, String service) {}

  private final Map<Integer, Set<Service>> byPartition = new HashMap<>();

  /** Notes the services of a consumed batch's health windows. */
  public synchronized void seen(List<InboundRecord> records) {
    for (InboundRecord r : records) {
      if (!Topics.HEALTH.equals(r.topic())) {
        continue;
      }
      r.decoded()
          .decoded()
          .filter(d -> d.data() instanceof HealthReported)
          .map(d -> (HealthReported) d.data())
          .ifPresent(
              h ->
                  byPartition
                      .computeIfAbsent(r.partition(), p -> new HashSet<>())
                      .add(new Service(h.namespace(), h.service())));
    }
  }

  /** The services seen on {@code partitions} of the health topic, forgotten here. */
  public synchronized List<Service> release(Collection<TopicPartition> partitions) {
    List<Service> released = new ArrayList<>();
    for (TopicPartition p : partitions) {
      if (Topics.HEALTH.equals(p.topic())) {
        Set<Service> services = byPartition.remove(p.partition());
        if (services != null) {
          released.addAll(services);
        }
      }
    }
    return released;
  }
}
