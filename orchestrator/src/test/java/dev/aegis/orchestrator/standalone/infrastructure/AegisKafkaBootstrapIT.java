package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class AegisKafkaBootstrapIT {

  @Test
  void anEmbeddedBrokerHasTheContractTopicsAndCarriesRecords() throws Exception {
    try (AegisKafkaBootstrap kafka = AegisKafkaBootstrap.start(KafkaSettings.embedded(0, 2))) {
      assertThat(kafka.isEmbedded()).isTrue();
      assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
      assertThat(partitionsByTopic(kafka.bootstrapServers()))
          .containsAllEntriesOf(
              Map.of(
                  "aegis.health",
                  2,
                  "aegis.experiments",
                  2,
                  "aegis.chaos",
                  2,
                  "aegis.lifecycle",
                  2,
                  "aegis.rca",
                  2,
                  "aegis.dlq",
                  2));

      send(kafka.bootstrapServers(), "aegis.health", "checkout", "window-1");

      ConsumerRecord<String, String> received = readOne(kafka.bootstrapServers(), "aegis.health");
      assertThat(received.key()).isEqualTo("checkout");
      assertThat(received.value()).isEqualTo("window-1");
      assertThat(new String(received.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
          .isEqualTo("e-1");
    }
  }

  @Test
  void anExternalClusterIsUsedAsGivenAndNothingStarts() {
    try (AegisKafkaBootstrap kafka =
        AegisKafkaBootstrap.start(new KafkaSettings(Optional.of("k1:9092, k2:9093"), 9092, 3))) {
      assertThat(kafka.isEmbedded()).isFalse();
      assertThat(kafka.bootstrapServerList()).containsExactly("k1:9092", "k2:9093");
    }
  }

  @Test
  void aTakenPortFailsFastWithAnActionableMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));

      assertThatThrownBy(
              () -> AegisKafkaBootstrap.start(KafkaSettings.embedded(taken.getLocalPort(), 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("aegis.kafka.embedded.port")
          .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }
  }

  private static Map<String, Integer> partitionsByTopic(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<String, TopicDescription> topics =
          admin.describeTopics(AegisKafkaBootstrap.CONTRACT_TOPICS).allTopicNames().get();
      Map<String, Integer> partitions = new HashMap<>();
      topics.forEach((name, description) -> partitions.put(name, description.partitions().size()));
      return partitions;
    }
  }

  private static void send(String bootstrap, String topic, String key, String value)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
      record.headers().add("ce_id", "e-1".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  private static ConsumerRecord<String, String> readOne(String bootstrap, String topic) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(records).hasSize(1);
      return records.get(0);
    }
  }
}
