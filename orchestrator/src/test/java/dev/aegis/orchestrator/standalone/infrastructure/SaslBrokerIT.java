package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real KRaft broker whose client listener demands SASL (PLAIN over plaintext, enough to show
 * authentication): a producer without credentials is refused, while Aegis's Kafka beans, given the
 * credentials only through {@code spring.kafka.*}, create a topic with the hand-built admin,
 * produce and consume.
 */
class SaslBrokerIT {

  private static final String TOPIC = "aegis.sasl-check";
  private static EmbeddedKafkaKraftBroker broker;
  private static String bootstrap;

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(
        Map.of(
            "listeners",
            "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
            "listener.security.protocol.map",
            "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms",
            "PLAIN",
            "sasl.mechanism.inter.broker.protocol",
            "PLAIN",
            "listener.name.external.plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                + "password=\"admin-secret\" user_admin=\"admin-secret\" user_aegis=\"aegis-secret\";",
            "offsets.topic.replication.factor",
            "1",
            "transaction.state.log.replication.factor",
            "1",
            "transaction.state.log.min.isr",
            "1"));
    broker.brokerListProperty(null);
    broker.afterPropertiesSet();
    String reported = broker.getBrokersAsString();
    bootstrap = "127.0.0.1:" + reported.substring(reported.lastIndexOf(':') + 1);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.destroy();
    }
  }

  @Test
  @DisplayName(
      "a producer without credentials cannot write; Aegis with SASL settings from spring.kafka.* creates, produces and consumes")
  void onlyAuthenticatedClientsGetIn() {
    try (KafkaProducer<String, String> anonymous =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                5000),
            new StringSerializer(),
            new StringSerializer())) {
      assertThatThrownBy(
              () ->
                  anonymous
                      .send(new ProducerRecord<>(TOPIC, "k", "forged"))
                      .get(30, TimeUnit.SECONDS))
          .hasStackTraceContaining("Timeout");
    }

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
        .withUserConfiguration(KafkaBootstrapConfiguration.class)
        .withPropertyValues(
            "aegis.kafka.bootstrap-servers=" + bootstrap,
            "spring.kafka.security.protocol=SASL_PLAINTEXT",
            "spring.kafka.properties.sasl.mechanism=PLAIN",
            "spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"aegis\" password=\"aegis-secret\";",
            "spring.kafka.consumer.group-id=aegis-sasl-check",
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.StringSerializer",
            "spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.StringDeserializer")
        .run(
            context -> {
              try (Admin admin = context.getBean(AegisKafkaClients.class).createAdmin()) {
                admin
                    .createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
              }
              @SuppressWarnings("unchecked")
              KafkaTemplate<Object, Object> template = context.getBean(KafkaTemplate.class);
              template.send(TOPIC, "k", "authenticated").get(30, TimeUnit.SECONDS);

              @SuppressWarnings("unchecked")
              ConsumerFactory<Object, Object> consumers = context.getBean(ConsumerFactory.class);
              List<Object> values = new ArrayList<>();
              try (Consumer<Object, Object> consumer = consumers.createConsumer()) {
                consumer.subscribe(List.of(TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (values.isEmpty() && System.nanoTime() < deadline) {
                  for (ConsumerRecord<Object, Object> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                  }
                }
              }
              assertThat(values).containsExactly("authenticated");
            });
  }
}
