package dev.aegis.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.InfrastructureOnlyConfiguration.ChaosRecorder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Together with {@link SecondFreshDatabaseComponentIT}: each class creates the same table, which
 * would fail if they shared a database.
 */
@AegisComponentTest(classes = InfrastructureOnlyConfiguration.class)
class FreshDatabaseComponentIT {

  @Autowired Jdbi jdbi;
  @Autowired TestDatabase database;
  @Autowired ChaosRecorder recorder;

  @Value("${spring.kafka.consumer.group-id}")
  String groupId;

  @Test
  void theContextUsesADatabaseOfItsOwn() {
    // As the owner: the application role may not create tables.
    database.jdbi().useHandle(h -> h.execute("CREATE TABLE marker (owner text)"));

    assertThat(database.name()).startsWith("test_");
    assertThat(currentDatabase(jdbi)).isEqualTo(database.name());
  }

  @Test
  void theApplicationsConsumersReadTheSharedBrokerWithAGroupOfTheirOwn() throws Exception {
    String key = "svc-" + UUID.randomUUID();
    SharedInfrastructure.kafka()
        .publish(
            "aegis.chaos",
            key,
            "{\"faultId\":\"f-1\"}".getBytes(StandardCharsets.UTF_8),
            Map.of("ce_id", "c-1"));

    ConsumerRecord<byte[], byte[]> received = awaitKey(recorder, key);

    assertThat(groupId).startsWith("aegis-test-FreshDatabaseComponentIT-");
    assertThat(new String(received.value(), StandardCharsets.UTF_8))
        .isEqualTo("{\"faultId\":\"f-1\"}");
    assertThat(TopicTail.header(received, "ce_id")).isEqualTo("c-1");
  }

  static String currentDatabase(Jdbi jdbi) {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT current_database()").mapTo(String.class).one());
  }

  static ConsumerRecord<byte[], byte[]> awaitKey(ChaosRecorder recorder, String key)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      ConsumerRecord<byte[], byte[]> next = recorder.received.poll(200, TimeUnit.MILLISECONDS);
      if (next != null && key.equals(new String(next.key(), StandardCharsets.UTF_8))) {
        return next;
      }
    }
    throw new AssertionError("the listener never received " + key);
  }
}
