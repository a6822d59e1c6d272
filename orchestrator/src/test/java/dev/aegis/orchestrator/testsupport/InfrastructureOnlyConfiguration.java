package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.persistence.PersistenceConfiguration;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseConfiguration;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaBootstrapConfiguration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The infrastructure slice alone, so the fixtures are tested without the rest of the application:
 * the database and Kafka beans plus one listener that records what it consumes from {@code
 * aegis.chaos}. Keys and values are bytes, as application.yml configures the consumers. A test
 * configuration, so the application's component scan never picks it up, and its listener has a
 * group of its own, so it never takes partitions from the application's consumers.
 */
@TestConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({
  ConfigurationPropertiesAutoConfiguration.class,
  KafkaAutoConfiguration.class
})
@Import({
  DatabaseConfiguration.class,
  PersistenceConfiguration.class,
  KafkaBootstrapConfiguration.class
})
class InfrastructureOnlyConfiguration {

  @Bean
  ChaosRecorder chaosRecorder() {
    return new ChaosRecorder();
  }

  /** Records every aegis.chaos record consumed by this test's own consumer group. */
  static class ChaosRecorder {
    final BlockingQueue<ConsumerRecord<byte[], byte[]>> received = new LinkedBlockingQueue<>();

    @KafkaListener(topics = "aegis.chaos", groupId = "aegis-test-chaos-recorder")
    public void onRecord(ConsumerRecord<byte[], byte[]> record) {
      received.add(record);
    }
  }
}
