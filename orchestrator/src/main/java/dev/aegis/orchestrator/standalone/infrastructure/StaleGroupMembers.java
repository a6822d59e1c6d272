package dev.aegis.orchestrator.standalone.infrastructure;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the consumer group members that a persistent embedded broker remembers from before its
 * restart.
 *
 * <p>The broker keeps each group's members in its log. After Aegis is killed, the restarted broker
 * still counts the dead process's consumers as members, and a rebalance waits for each to miss its
 * session (45 s by default) before this run's consumers get any partition: 45 s in which nothing is
 * processed although Aegis reports ready. The broker has only just started in this process, so
 * every member it remembers belongs to a run that is over; removing them (KIP-571) lets the new
 * consumers in at once. Committed offsets are not touched. A live client of another process that
 * joined in the first milliseconds would simply rejoin.
 *
 * <p>Best effort: if the groups cannot be read or changed in time, it logs a warning and the
 * broker's own session expiry does the same job later.
 */
final class StaleGroupMembers {

  private static final Logger LOG = LoggerFactory.getLogger(StaleGroupMembers.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String OFFSETS_TOPIC = "__consumer_offsets";

  private StaleGroupMembers() {}

  static void remove(String bootstrap) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      OptionalInt offsetPartitions = offsetPartitions(admin);
      if (offsetPartitions.isEmpty()) {
        return; // no group has ever committed here
      }
      awaitGroupsLoaded(admin, offsetPartitions.getAsInt());
      Collection<ConsumerGroupListing> listed =
          admin.listConsumerGroups().all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      List<String> groups = listed.stream().map(ConsumerGroupListing::groupId).toList();
      if (groups.isEmpty()) {
        return;
      }
      Map<String, ConsumerGroupDescription> described =
          admin.describeConsumerGroups(groups).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      for (ConsumerGroupDescription group : described.values()) {
        if (group.members().isEmpty()) {
          continue;
        }
        // No members named: every member of the group leaves (KIP-571).
        admin
            .removeMembersFromConsumerGroup(
                group.groupId(), new RemoveMembersFromConsumerGroupOptions())
            .all()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        LOG.info(
            "Embedded Kafka: removed {} member(s) a previous run left in consumer group {}",
            group.members().size(),
            group.groupId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.warn(
          "Embedded Kafka: could not remove the consumer group members of a previous run ({}); this "
              + "run's consumers get their partitions once those members' sessions expire",
          e.toString());
    }
  }

  private static OptionalInt offsetPartitions(Admin admin)
      throws InterruptedException, TimeoutException, ExecutionException {
    try {
      return OptionalInt.of(
          admin
              .describeTopics(List.of(OFFSETS_TOPIC))
              .allTopicNames()
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .get(OFFSETS_TOPIC)
              .partitions()
              .size());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return OptionalInt.empty();
      }
      throw e;
    }
  }

  /**
   * Returns once the group coordinator has loaded every partition of the offsets topic, so a
   * listing of the groups is complete. Listing alone is not enough: until the restarted broker has
   * taken up a partition again, the groups stored there are simply absent from the list. Describing
   * a group waits (the client retries) until its partition is loaded; one made-up group per
   * partition therefore waits for them all. A group that does not exist is described as dead, and
   * nothing is created.
   */
  private static void awaitGroupsLoaded(Admin admin, int partitions)
      throws InterruptedException, TimeoutException, ExecutionException {
    Map<Integer, String> probes = new HashMap<>();
    for (int n = 0; probes.size() < partitions; n++) {
      String group = "aegis-coordinator-probe-" + n;
      // The coordinator's own placement of a group (GroupMetadataManager.partitionFor).
      probes.putIfAbsent(Utils.abs(group.hashCode()) % partitions, group);
    }
    admin
        .describeConsumerGroups(List.copyOf(probes.values()))
        .all()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
