package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.SharedKafka;
import dev.aegis.orchestrator.testsupport.TopicTail;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

class KafkaBootstrapConfigurationIT {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
          .withUserConfiguration(KafkaBootstrapConfiguration.class);

  @Test
  void springBootKafkaBeansUseTheEmbeddedBrokerWhenNoClusterIsConfigured() {
    runner
        .withPropertyValues("aegis.kafka.embedded.port=0")
        .run(
            context -> {
              AegisKafkaBootstrap bootstrap = context.getBean(AegisKafkaBootstrap.class);
              List<String> expected = bootstrap.bootstrapServerList();

              assertThat(bootstrap.isEmbedded()).isTrue();
              assertThat(
                      context
                          .getBean(ProducerFactory.class)
                          .getConfigurationProperties()
                          .get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG))
                  .isEqualTo(expected);
              assertThat(
                      context
                          .getBean(ConsumerFactory.class)
                          .getConfigurationProperties()
                          .get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG))
                  .isEqualTo(expected);
              assertThat(
                      context
                          .getBean(KafkaAdmin.class)
                          .getConfigurationProperties()
                          .get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG))
                  .isEqualTo(expected);
              assertThat(context.getEnvironment().getProperty("spring.kafka.bootstrap-servers"))
                  .isEqualTo(bootstrap.bootstrapServers());
              context.getBean(KafkaTemplate.class).send("aegis.rca", "exp-1", "recorded").get();
            });
  }

  @Test
  void aConfiguredClusterIsUsedAndNoBrokerStarts() {
    SharedKafka shared = SharedInfrastructure.kafka();
    try (TopicTail tail = shared.tail("aegis.lifecycle")) {
      runner
          .withPropertyValues(
              "KAFKA_BOOTSTRAP_SERVERS=" + shared.bootstrapServers(),
              "spring.kafka.producer.value-serializer="
                  + "org.apache.kafka.common.serialization.StringSerializer")
          .run(
              context -> {
                assertThat(context.getBean(AegisKafkaBootstrap.class).isEmbedded()).isFalse();
                context
                    .getBean(KafkaTemplate.class)
                    .send("aegis.lifecycle", "exp-2", "moved")
                    .get();
              });

      assertThat(
              TopicTail.text(
                  tail.take(1, Duration.ofSeconds(30), r -> "exp-2".equals(r.key())).get(0)))
          .isEqualTo("moved");
    }
  }
}
