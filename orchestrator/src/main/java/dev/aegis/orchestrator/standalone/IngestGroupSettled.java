package dev.aegis.orchestrator.standalone;

import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaClients;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Holds the start-up banner back until the ingest consumer group has settled, at most 15 seconds.
 * The ingest container starts its consumer threads one after another, and each one joining moves
 * partitions between them (a cooperative rebalance of two rounds); without the hold, the
 * "partitions moved" lines of that churn follow the banner, which is meant to be the last line of a
 * start. Changes nothing but when the banner is printed and readiness turns to accepting traffic
 * (Spring Boot publishes that after the ready event's listeners): a replica reports ready once its
 * consumer threads own their partitions, after 15 s at most, or as soon as describing the group
 * fails.
 *
 * <p>Settled means: the group is stable, every consumer thread of this replica is a member, and
 * every partition of the ingest topics is assigned to some member (between the two rounds of a
 * cooperative rebalance the group is stable with the revoked partitions unassigned).
 */
@Component
final class IngestGroupSettled implements ApplicationListener<ApplicationReadyEvent>, Ordered {

  private static final Logger log = LoggerFactory.getLogger(IngestGroupSettled.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long CALL_TIMEOUT_SECONDS = 5;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final AegisKafkaClients clients;
  private final ConcurrentMessageListenerContainer<?, ?> ingest;

  IngestGroupSettled(
      AegisKafkaClients clients,
      @Qualifier("ingestContainer") ConcurrentMessageListenerContainer<?, ?> ingest) {
    this.clients = clients;
    this.ingest = ingest;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    String group = ingest.getGroupId();
    String[] topics = ingest.getContainerProperties().getTopics();
    if (group == null || topics == null || !ingest.isRunning()) {
      return;
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (Admin admin = clients.createAdmin()) {
      int partitions = partitions(admin, List.of(topics));
      while (!settled(
              describe(admin, group),
              ingest.getAssignmentsByClientId().keySet(),
              Set.of(topics),
              partitions)
          && System.nanoTime() < deadline) {
        Thread.sleep(POLL.toMillis());
      }
      log.debug(
          "consumer group {} {} after {} ms",
          group,
          System.nanoTime() < deadline ? "settled" : "still moving",
          TIMEOUT.toMillis() - TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      // Only the banner's moment depends on this: say why and print it now.
      log.debug("could not tell whether consumer group {} has settled: {}", group, e.toString());
    }
  }

  /**
   * Whether {@code group} has settled for a replica whose consumer threads have the client ids
   * {@code ours}, on {@code topics} of {@code partitions} partitions in all.
   */
  static boolean settled(
      ConsumerGroupDescription group, Collection<String> ours, Set<String> topics, int partitions) {
    if (group == null || group.state() != ConsumerGroupState.STABLE) {
      return false;
    }
    Set<String> members = new HashSet<>();
    Set<TopicPartition> assigned = new HashSet<>();
    for (MemberDescription m : group.members()) {
      members.add(m.clientId());
      m.assignment().topicPartitions().stream()
          .filter(tp -> topics.contains(tp.topic()))
          .forEach(assigned::add);
    }
    return members.containsAll(ours) && assigned.size() >= partitions;
  }

  private static ConsumerGroupDescription describe(Admin admin, String group)
      throws InterruptedException, ExecutionException, TimeoutException {
    return admin
        .describeConsumerGroups(List.of(group))
        .all()
        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .get(group);
  }

  private static int partitions(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    Collection<TopicDescription> described =
        admin
            .describeTopics(topics)
            .allTopicNames()
            .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .values();
    return described.stream().mapToInt(t -> t.partitions().size()).sum();
  }

  @Override
  public int getOrder() {
    return -10; // before the demo's first-actuation hold and StartupBanner
  }
}
