package dev.aegis.orchestrator.scenarios;

import static dev.aegis.orchestrator.scenarios.ScenarioKit.PROMOTED_RUN;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.WAIT;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.awaitProcessed;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.canaryWindows;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.duplicatesSkipped;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.experiment;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.id;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.oneRowEach;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.publish;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.transitions;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.windowRowsPerEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.AegisApplication;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Every consumed event takes effect exactly once, however often Kafka delivers it: duplicates
 * published by a producer, records re-read after a consumer restart with an offset reset, and an
 * orchestrator replaced mid-canary by a new one on the same database and consumer group.
 */
@AegisComponentTest(
    properties = {
      "aegis.processing.attempts=3",
      "aegis.processing.initial-backoff=100ms",
      "aegis.processing.max-backoff=200ms"
    })
class ExactlyOnceEffectsIT {

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired MeterRegistry metrics;
  @Autowired ApplicationContext context;
  @Autowired KafkaListenerEndpointRegistry listenerRegistry;

  @Value("${spring.kafka.consumer.group-id}")
  String groupId;

  @Test
  @DisplayName(
      "a good run whose every health event is delivered twice makes the same transitions and stores each window once")
  void everyEventDeliveredTwiceTakesEffectOnce() {
    String id = ScenarioKit.submit(service, cluster, "eo-twice", "v2");
    Instant start = Instant.now().minusSeconds(600);
    List<EncodedEvent> windows = canaryWindows("eo-twice", "v2", start, 6, 100, 0, 200);
    // Published after the duplicates on the same partition: once it is processed, so are they.
    EncodedEvent marker = ScenarioKit.stableWindow("eo-twice", start.plusSeconds(60));
    double skippedBefore = duplicatesSkipped(metrics, Topics.HEALTH);

    for (EncodedEvent window : windows) {
      publish(window);
      publish(window);
    }
    publish(marker);
    awaitProcessed(jdbi, marker);

    Experiment promoted = experiment(jdbi, id);
    assertThat(promoted.phase()).isEqualTo(Phase.PROMOTED);
    assertThat(transitions(jdbi, id)).containsExactlyElementsOf(PROMOTED_RUN);
    assertThat(promoted.lastJudgment().progress().windows())
        .as("windows counted toward the last step")
        .isEqualTo(2);
    List<EncodedEvent> stored = new ArrayList<>(windows);
    stored.add(marker);
    assertThat(windowRowsPerEvent(jdbi, "eo-twice")).containsExactlyEntriesOf(oneRowEach(stored));
    assertThat(duplicatesSkipped(metrics, Topics.HEALTH) - skippedBefore)
        .as("second deliveries recognised as duplicates")
        .isGreaterThanOrEqualTo(6);
  }

  @Test
  @DisplayName(
      "a consumer restarted mid-stream and reset to re-read every record of the service changes nothing twice")
  void recordsReReadAfterAConsumerRestartTakeEffectOnce() {
    String id = ScenarioKit.submit(service, cluster, "eo-reread", "v3");
    List<EncodedEvent> windows =
        canaryWindows("eo-reread", "v3", Instant.now().minusSeconds(600), 6, 100, 0, 200);
    List<RecordMetadata> firstPart =
        windows.subList(0, 3).stream().map(ScenarioKit::publish).toList();
    await()
        .atMost(WAIT)
        .until(
            () ->
                experiment(jdbi, id).stepIndex() == 1
                    && experiment(jdbi, id).progress().windows() == 1);

    RecordMetadata first = firstPart.get(0);
    TopicPartition partition = new TopicPartition(first.topic(), first.partition());
    double skippedBefore = duplicatesSkipped(metrics, Topics.HEALTH);
    // The broker takes an offset reset only from an empty group, and the ingest container
    // (bean ingestContainer) shares the group with every other consumer of the context.
    List<MessageListenerContainer> consumers = consumersOfTheGroup();
    consumers.forEach(MessageListenerContainer::stop);
    try {
      ScenarioKit.moveGroupOffset(groupId, partition, first.offset());
    } finally {
      consumers.forEach(MessageListenerContainer::start);
    }

    await()
        .atMost(WAIT)
        .until(() -> duplicatesSkipped(metrics, Topics.HEALTH) - skippedBefore >= 3);
    Experiment afterReRead = experiment(jdbi, id);
    assertThat(afterReRead.stepIndex()).isEqualTo(1);
    assertThat(afterReRead.progress().windows()).isEqualTo(1);
    assertThat(transitions(jdbi, id)).containsExactly("CANARY@10", "CANARY@50");

    windows.subList(3, 6).forEach(ScenarioKit::publish);
    await().atMost(WAIT).until(() -> experiment(jdbi, id).phase() == Phase.PROMOTED);

    assertThat(transitions(jdbi, id)).containsExactlyElementsOf(PROMOTED_RUN);
    assertThat(windowRowsPerEvent(jdbi, "eo-reread")).containsExactlyEntriesOf(oneRowEach(windows));
    assertThat(duplicatesSkipped(metrics, Topics.HEALTH) - skippedBefore)
        .as("re-read records recognised as duplicates")
        .isEqualTo(3);
  }

  @Test
  @DisplayName(
      "a new orchestrator on the same database and consumer group, started mid-canary, resumes the step where the old one stopped")
  void aNewOrchestratorResumesMidCanary() {
    String serviceName = "eo-restarted";
    String group = "aegis-test-restart-" + UUID.randomUUID();
    SharedInfrastructure.kafka().positionGroupAtEnd(group, AegisKafkaBootstrap.CONTRACT_TOPICS);
    List<EncodedEvent> windows =
        canaryWindows(serviceName, "v5", Instant.now().minusSeconds(600), 6, 100, 0, 200);

    // A database of this test's own: the class's context would otherwise process the same events. A
    // cluster of its own too, outliving both orchestrators, as a real one would.
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase();
        AegisKubernetes cluster = AegisKubernetes.inProcess(0, List.of())) {
      Jdbi db = database.jdbi();
      String id;
      try (ConfigurableApplicationContext old =
          startOrchestrator(database, group, cluster.masterUrl())) {
        id =
            ScenarioKit.submit(
                old.getBean(ExperimentService.class),
                old.getBean(KubernetesClient.class),
                serviceName,
                "v5");
        windows.subList(0, 3).forEach(ScenarioKit::publish);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    experiment(db, id).stepIndex() == 1
                        && experiment(db, id).progress().windows() == 1);
      }
      assertThat(transitions(db, id)).containsExactly("CANARY@10", "CANARY@50");

      // Published while no orchestrator runs; the new one must pick it up from the group's offset.
      publish(windows.get(3));
      try (ConfigurableApplicationContext replacement =
          startOrchestrator(database, group, cluster.masterUrl())) {
        awaitProcessed(db, windows.get(3));
        Experiment resumed = experiment(db, id);
        assertThat(resumed.phase()).isEqualTo(Phase.CANARY);
        assertThat(resumed.currentWeight())
            .as("step 2 finished with the window the old orchestrator had counted plus this one")
            .isEqualTo(100);
        assertThat(ScenarioKit.history(db, id))
            .last()
            .satisfies(t -> assertThat(t.causedBy()).endsWith(id(windows.get(3))));

        publish(windows.get(4));
        awaitProcessed(db, windows.get(4));
        Experiment midLastStep = experiment(db, id);
        assertThat(midLastStep.phase())
            .as("one second into a two-second step")
            .isEqualTo(Phase.CANARY);
        assertThat(midLastStep.progress().windows()).isEqualTo(1);

        publish(windows.get(5));
        await().atMost(WAIT).until(() -> experiment(db, id).phase() == Phase.PROMOTED);
        assertThat(transitions(db, id)).containsExactlyElementsOf(PROMOTED_RUN);
        assertThat(windowRowsPerEvent(db, serviceName))
            .containsExactlyEntriesOf(oneRowEach(windows));
        assertThat(duplicatesSkipped(replacement.getBean(MeterRegistry.class), Topics.HEALTH))
            .as("the new orchestrator started after the old one's committed offsets")
            .isZero();
      }
    }
  }

  /**
   * The ingest and dead-letter containers and any {@code @KafkaListener} container of the context.
   */
  private List<MessageListenerContainer> consumersOfTheGroup() {
    List<MessageListenerContainer> consumers = new ArrayList<>();
    consumers.add(context.getBean("ingestContainer", MessageListenerContainer.class));
    consumers.add(context.getBean("deadLetterContainer", MessageListenerContainer.class));
    consumers.addAll(listenerRegistry.getListenerContainers());
    return consumers;
  }

  private static ConfigurableApplicationContext startOrchestrator(
      TestDatabase database, String group, String clusterUrl) {
    SharedInfrastructure.kafka().positionGroupAtEnd(group + ".dead-letters", List.of(Topics.DLQ));
    // Command-line arguments outrank application.yml, which sets the group id and the server port.
    return new SpringApplicationBuilder(AegisApplication.class)
        .run(
            // As in production: the application role, Flyway as the owner role.
            "--aegis.database.url=" + database.appConnection().jdbcUrl(),
            "--aegis.database.username=" + database.appConnection().username(),
            "--aegis.database.migration-username=" + database.connection().username(),
            "--aegis.kafka.bootstrap-servers=" + SharedInfrastructure.kafka().bootstrapServers(),
            "--spring.kafka.consumer.group-id=" + group,
            "--server.port=0",
            "--aegis.kubernetes.mode=external",
            "--aegis.security.development=true",
            "--aegis.kubernetes.master-url=" + clusterUrl,
            "--aegis.kubernetes.experiment-resources=false",
            "--aegis.processing.attempts=3",
            "--aegis.processing.initial-backoff=100ms",
            "--aegis.processing.max-backoff=200ms");
  }
}
