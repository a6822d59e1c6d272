package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.infrastructure.DatabaseConfiguration;
import dev.aegis.orchestrator.infrastructure.KafkaBootstrapConfiguration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The infrastructure slice alone, so the fixtures are tested without the rest of the application:
 * the database and Kafka beans plus one listener that records what it consumes from {@code
 * aegis.chaos}. Keys and values are bytes, as application.yml configures the consumers.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ConfigurationPropertiesAutoConfiguration.class,
    KafkaAutoConfiguration.class})
@Import({DatabaseConfiguration.class, KafkaBootstrapConfiguration.class})
class InfrastructureOnlyConfiguration {

  @Bean
  ChaosRecorder chaosRecorder() {
    return new ChaosRecorder();
  }

  /** Records every aegis.chaos record consumed by the context's own consumer group. */
  static class ChaosRecorder {
    final BlockingQueue<ConsumerRecord<byte[], byte[]>> received = new LinkedBlockingQueue<>();

    @KafkaListener(topics = "aegis.chaos")
    public void onRecord(ConsumerRecord<byte[], byte[]> record) {
      received.add(record);
    }
  }
}
