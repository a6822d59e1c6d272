package dev.aegis.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class SharedKafkaIT {

  private final SharedKafka kafka = SharedInfrastructure.kafka();

  @Test
  void aTailSeesOnlyWhatIsPublishedAfterItOpened() {
    String key = "svc-" + UUID.randomUUID();
    kafka.publish("aegis.health", key, bytes("before"), Map.of());

    try (TopicTail tail = kafka.tail("aegis.health")) {
      kafka.publish("aegis.health", key, bytes("after"), Map.of("ce_type", "dev.aegis.x.v1"));

      List<ConsumerRecord<String, byte[]>> records =
          tail.take(1, Duration.ofSeconds(30), r -> key.equals(r.key()));

      assertThat(TopicTail.text(records.get(0))).isEqualTo("after");
      assertThat(TopicTail.header(records.get(0), "ce_type")).isEqualTo("dev.aegis.x.v1");
      assertThat(tail.collectFor(Duration.ofMillis(500), r -> key.equals(r.key()))).isEmpty();
    }
  }

  @Test
  void rawHeaderBytesAndNullValuesArePublishedAsGiven() {
    String key = "svc-" + UUID.randomUUID();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>("aegis.dlq", key, null);
    record.headers().add("aegis_dlq_reason", new byte[] {(byte) 0xff, 0x00});

    try (TopicTail tail = kafka.tail("aegis.dlq")) {
      kafka.publish(record);

      ConsumerRecord<String, byte[]> read = tail.take(1, Duration.ofSeconds(30)).get(0);
      assertThat(read.value()).isNull();
      assertThat(read.headers().lastHeader("aegis_dlq_reason").value())
          .containsExactly((byte) 0xff, 0x00);
    }
  }

  @Test
  void takingMoreThanArrivesFailsWithWhatDidArrive() {
    try (TopicTail tail = kafka.tail("aegis.rca")) {
      assertThatThrownBy(() -> tail.take(1, Duration.ofMillis(300)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected 1 record(s) on aegis.rca");
    }
  }

  @Test
  void aPositionedGroupStartsAfterEverythingPublishedBefore() {
    String group = "g-" + UUID.randomUUID();
    String key = "svc-" + UUID.randomUUID();
    kafka.publish("aegis.experiments", key, bytes("old"), Map.of());

    kafka.positionGroupAtEnd(group, List.of("aegis.experiments"));
    kafka.publish("aegis.experiments", key, bytes("new"), Map.of());

    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of("aegis.experiments"));
      String first = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (first == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(r.key()) && first == null) {
            first = r.value();
          }
        }
      }
      assertThat(first).isEqualTo("new");
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
