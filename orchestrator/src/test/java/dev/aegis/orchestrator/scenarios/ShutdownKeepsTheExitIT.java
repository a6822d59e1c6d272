package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.Topics;
import dev.aegis.orchestrator.AegisApplication;
import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A normal shutdown stops every consumer, and none of those stops may look like a failure: closing
 * the application must not ask for the exit that a consumer stopping on its own gets. The
 * orchestrator runs as an application of the test's own (its database, group and in-process
 * cluster), so the test can close it and look afterwards.
 */
class ShutdownKeepsTheExitIT {

  /** Not a {@code @Configuration}: no other context's component scan may pick it up. */
  static class Seams {
    @Bean
    @Primary
    RecordingExit recordingExit() {
      return new RecordingExit();
    }
  }

  @Test
  @DisplayName("closing the application stops both consumers (NORMAL) and asks for no exit")
  void closingTheApplicationDoesNotExit() {
    String group = "aegis-test-shutdown-" + UUID.randomUUID();
    SharedInfrastructure.kafka().positionGroupAtEnd(group, AegisKafkaBootstrap.CONTRACT_TOPICS);
    SharedInfrastructure.kafka().positionGroupAtEnd(group + ".dead-letters", List.of(Topics.DLQ));
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase();
        AegisKubernetes cluster = AegisKubernetes.inProcess(0, List.of())) {
      ConfigurableApplicationContext app = start(database, group, cluster.masterUrl());
      RecordingExit exit = app.getBean(RecordingExit.class);
      MessageListenerContainer ingest =
          app.getBean("ingestContainer", MessageListenerContainer.class);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  ingest.getAssignedPartitions() != null
                      && !ingest.getAssignedPartitions().isEmpty());

      app.close();

      await().atMost(Duration.ofSeconds(30)).until(() -> exit.stops().size() >= 2);
      assertThat(exit.stops())
          .as("the ingest and dead-letter consumers stopped, as asked")
          .containsOnly(ConsumerStoppedEvent.Reason.NORMAL);
      assertThat(exit.codes()).isEmpty();
    }
  }

  private static ConfigurableApplicationContext start(
      TestDatabase database, String group, String clusterUrl) {
    return new SpringApplicationBuilder(AegisApplication.class, Seams.class)
        .run(
            "--aegis.database.url=" + database.appConnection().jdbcUrl(),
            "--aegis.database.username=" + database.appConnection().username(),
            "--aegis.database.migration-username=" + database.connection().username(),
            "--aegis.kafka.bootstrap-servers=" + SharedInfrastructure.kafka().bootstrapServers(),
            "--spring.kafka.consumer.group-id=" + group,
            "--server.port=0",
            "--aegis.kubernetes.mode=external",
            "--aegis.security.development=true",
            "--aegis.kubernetes.master-url=" + clusterUrl,
            "--aegis.kubernetes.experiment-resources=false");
  }
}
