package dev.aegis.orchestrator.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class IngestGroupSettledTest {

  private static final Set<String> TOPICS = Set.of("health", "experiments");
  private static final int PARTITIONS = 6;

  @Test
  void settledOnceStableWithEveryThreadAMemberAndEveryPartitionAssigned() {
    var group =
        group(
            ConsumerGroupState.STABLE,
            member("c-1", partitions("health", 0, 1, 2)),
            member("c-2", partitions("experiments", 0, 1, 2)));

    assertThat(IngestGroupSettled.settled(group, List.of("c-1", "c-2"), TOPICS, PARTITIONS))
        .isTrue();
  }

  @Test
  void notSettledWhileRebalancing() {
    var group =
        group(
            ConsumerGroupState.PREPARING_REBALANCE,
            member("c-1", partitions("health", 0, 1, 2)),
            member("c-2", partitions("experiments", 0, 1, 2)));

    assertThat(IngestGroupSettled.settled(group, List.of("c-1", "c-2"), TOPICS, PARTITIONS))
        .isFalse();
  }

  @Test
  void notSettledWhileOneOfThisReplicasThreadsHasNotJoined() {
    // The first thread alone owns everything: stable, fully assigned, but c-2 is still to join.
    var group =
        group(
            ConsumerGroupState.STABLE,
            member(
                "c-1", union(partitions("health", 0, 1, 2), partitions("experiments", 0, 1, 2))));

    assertThat(IngestGroupSettled.settled(group, List.of("c-1", "c-2"), TOPICS, PARTITIONS))
        .isFalse();
  }

  @Test
  void notSettledBetweenTheTwoRoundsOfACooperativeRebalance() {
    // Round one took partitions away from c-1 and gave none to c-2 yet.
    var group =
        group(
            ConsumerGroupState.STABLE,
            member("c-1", partitions("health", 0, 1, 2)),
            member("c-2", Set.of()));

    assertThat(IngestGroupSettled.settled(group, List.of("c-1", "c-2"), TOPICS, PARTITIONS))
        .isFalse();
  }

  @Test
  void partitionsOfOtherTopicsDoNotCount() {
    var group =
        group(
            ConsumerGroupState.STABLE,
            member("c-1", union(partitions("health", 0, 1, 2), partitions("other", 0, 1, 2))));

    assertThat(IngestGroupSettled.settled(group, List.of("c-1"), TOPICS, PARTITIONS)).isFalse();
  }

  @Test
  void anUnknownGroupHasNotSettled() {
    assertThat(IngestGroupSettled.settled(null, List.of("c-1"), TOPICS, PARTITIONS)).isFalse();
  }

  private static ConsumerGroupDescription group(
      ConsumerGroupState state, MemberDescription... members) {
    return new ConsumerGroupDescription(
        "aegis-orchestrator", false, List.of(members), "cooperative-sticky", state, null);
  }

  private static MemberDescription member(String clientId, Set<TopicPartition> assigned) {
    return new MemberDescription(
        clientId + "-member", clientId, "/127.0.0.1", new MemberAssignment(assigned));
  }

  private static Set<TopicPartition> partitions(String topic, int... numbers) {
    return IntStream.of(numbers)
        .mapToObj(n -> new TopicPartition(topic, n))
        .collect(Collectors.toSet());
  }

  private static Set<TopicPartition> union(Set<TopicPartition> a, Set<TopicPartition> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
  }
}
