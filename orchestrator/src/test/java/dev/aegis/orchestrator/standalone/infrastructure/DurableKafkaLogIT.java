package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone broker keeps its log in the data directory, and only one live broker uses it. */
class DurableKafkaLogIT {

  private static final String TOPIC = "aegis.health";
  private static final List<String> TOPICS = AegisKafkaBootstrap.CONTRACT_TOPICS;

  @TempDir Path dataDir;

  @Test
  @DisplayName(
      "records, topics and the cluster id survive a stop and a start on the same directory")
  void recordsSurviveARestart() throws Exception {
    Path kafka = dataDir.resolve("kafka");
    String clusterId;
    try (InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 2, TOPICS)) {
      clusterId = broker.clusterId();
      assertThat(clusterOf(broker.bootstrapServers())).isEqualTo(clusterId);
      assertThat(brokerConfig(broker.bootstrapServers(), "log.flush.interval.messages"))
          .isEqualTo("1");
      produce(broker.bootstrapServers(), 20);
    }
    assertThat(kafka.resolve("logs/meta.properties")).exists();

    long restartStarted = System.nanoTime();
    try (InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 2, TOPICS)) {
      System.out.printf(
          "DurableKafkaLogIT: restart on a used directory took %d ms%n",
          (System.nanoTime() - restartStarted) / 1_000_000);
      assertThat(broker.clusterId()).isEqualTo(clusterId);
      assertThat(clusterOf(broker.bootstrapServers())).isEqualTo(clusterId);
      assertThat(consumeAll(broker.bootstrapServers(), 20))
          .containsExactlyInAnyOrderElementsOf(expectedValues(20));
    }
  }

  @Test
  @DisplayName(
      "a second broker on a directory in use in this JVM is refused at once, naming the directory")
  void aSecondBrokerInThisJvmIsRefused() throws Exception {
    Path kafka = dataDir.resolve("kafka");
    try (InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 1, TOPICS)) {
      assertThatThrownBy(() -> InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 1, TOPICS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(kafka.toString())
          .hasMessageContaining("in use by another running Aegis")
          .hasMessageContaining("aegis.data-dir");
      // The refused start left the running broker alone.
      produce(broker.bootstrapServers(), 1);
    }
  }

  @Test
  @DisplayName("a directory held by another live process is refused at once, naming that process")
  void aDirectoryHeldByAnotherProcessIsRefused() throws Exception {
    Path kafka = dataDir.resolve("kafka");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DirectoryLockHolderMain.class.getName(),
                kafka.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo(DirectoryLockHolderMain.READY);

      long started = System.nanoTime();
      assertThatThrownBy(() -> InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 1, TOPICS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(kafka.toString())
          .hasMessageContaining("(process " + holder.pid() + ")");
      System.out.printf(
          "DurableKafkaLogIT: refused in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    } finally {
      holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    // Once the holder is dead (as after a kill -9), the directory is free again.
    try (InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 1, TOPICS)) {
      assertThat(broker.isEphemeral()).isFalse();
    }
  }

  @Test
  @DisplayName(
      "consumer group members of a run that ended without leaving are gone after a restart, offsets kept")
  void membersOfAnEndedRunAreRemovedAtStart() throws Exception {
    Path kafka = dataDir.resolve("kafka");
    InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 1, TOPICS);
    KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers(), "ended-run");
    try {
      produce(broker.bootstrapServers(), 3);
      consumer.subscribe(List.of(TOPIC));
      List<String> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.size() == 3;
              });
      consumer.commitSync();
    } finally {
      // The broker goes first, so the consumer cannot leave its group: as when the process is
      // killed.
      broker.close();
      consumer.close(Duration.ZERO);
    }

    try (InProcessKafkaBroker restarted =
            InProcessKafkaBroker.start(Optional.of(kafka), 0, true, 1, TOPICS);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers()))) {
      assertThat(
              admin
                  .describeConsumerGroups(List.of("ended-run"))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get("ended-run")
                  .members())
          .isEmpty();
      assertThat(
              admin
                  .listConsumerGroupOffsets("ended-run")
                  .partitionsToOffsetAndMetadata()
                  .get(30, TimeUnit.SECONDS)
                  .get(new TopicPartition(TOPIC, 0))
                  .offset())
          .isEqualTo(3);
    }
  }

  @Test
  @DisplayName("an ephemeral broker does not fsync every write and deletes its directory on close")
  void anEphemeralBrokerLeavesNothing() throws Exception {
    Path directory;
    try (InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(Optional.empty(), 0, false, 1, TOPICS)) {
      directory = broker.directory();
      assertThat(directory).exists();
      assertThat(brokerConfig(broker.bootstrapServers(), "log.flush.interval.messages"))
          .isEqualTo(Long.toString(Long.MAX_VALUE));
    }
    assertThat(Files.exists(directory)).isFalse();
  }

  static void produce(String bootstrap, int count) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : expectedValues(count)) {
        producer.send(new ProducerRecord<>(TOPIC, value, value)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static List<String> expectedValues(int count) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add("record-" + i);
    }
    return values;
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new StringDeserializer());
  }

  private static List<String> consumeAll(String bootstrap, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "durable-log-check")) {
      consumer.subscribe(List.of(TOPIC));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
              });
      // Nothing beyond what was produced (a replayed or doubled record would show here).
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
    }
    return values;
  }

  private static String clusterOf(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    }
  }

  private static String brokerConfig(String bootstrap, String name) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
      Config config =
          admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
      return config.get(name).value();
    }
  }
}
