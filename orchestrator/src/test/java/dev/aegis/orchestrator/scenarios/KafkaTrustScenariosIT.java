package dev.aegis.orchestrator.scenarios;

import static dev.aegis.orchestrator.scenarios.ScenarioKit.WAIT;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.experiment;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.id;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.publish;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.publishRaw;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.windowRowsPerEvent;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.Topics;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.deadletter.ReplayService;
import dev.aegis.orchestrator.messaging.TrustedPrincipalInterceptor;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Kafka is a channel with senders: only allowed CloudEvents sources take effect, a source bound to
 * a Kafka principal must carry it, a submission names only namespaces its principal may use, and
 * replay writes only to an allowed original topic. Every refusal is a dead letter with its reason
 * and changes nothing.
 */
@AegisComponentTest(
    properties = {
      "aegis.kafka.trust.sources.health-reported=" + Wire.MONITOR + ",/monitors/bound",
      "aegis.kafka.trust.sources.experiment-submitted=/ci/*",
      "aegis.kafka.trust.sources.chaos-injected=/chaos/*",
      "aegis.kafka.trust.sources.chaos-cleared=/chaos/*",
      "aegis.kafka.trust.principals[/monitors/bound]=User:monitor",
      "aegis.kafka.trust.submitters[/ci/shop-team]=" + Wire.NAMESPACE,
      "aegis.kafka.trust.submitters[/ci/platform*]=*"
    })
@AutoConfigureMockMvc
class KafkaTrustScenariosIT {

  private static final String BOUND = "/monitors/bound";

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired DeadLetterRepository deadLetters;
  @Autowired ReplayService replays;
  @Autowired MockMvc mvc;

  @Test
  @DisplayName(
      "health from a source not on the allow-list is dead-lettered as untrusted-source and moves no canary; the allowed source behind it does")
  void untrustedHealthIsDeadLetteredAndChangesNothing() {
    String serviceName = "trust-untrusted";
    String experimentId = ScenarioKit.submit(service, cluster, serviceName, "v2");
    Instant start = Instant.now().minusSeconds(600);

    EncodedEvent forged = window(serviceName, start, "/intruder");
    publish(forged);
    EncodedEvent genuine = window(serviceName, start.plusSeconds(1), Wire.MONITOR);
    publish(genuine);

    DeadLetter refused = awaitDeadLetter(id(forged));
    assertThat(refused.reasonCode()).isEqualTo("untrusted-source");
    assertThat(refused.reason()).contains("/intruder").contains(EventType.HEALTH_REPORTED.type());
    assertThat(refused.originalTopic()).isEqualTo(Topics.HEALTH);

    await().atMost(WAIT).until(() -> experiment(jdbi, experimentId).progress().windows() == 1);
    assertThat(windowRowsPerEvent(jdbi, serviceName)).containsOnlyKeys(id(genuine));
    assertThat(ScenarioKit.processed(jdbi, forged))
        .as("a refused event claims no processed marker")
        .isFalse();
  }

  @Test
  @DisplayName(
      "a source bound to a Kafka principal is refused without the principal header or with another one, and taken when the trusted interceptor stamps it")
  void boundSourceNeedsItsPrincipal() {
    String serviceName = "trust-bound";
    String experimentId = ScenarioKit.submit(service, cluster, serviceName, "v2");
    Instant start = Instant.now().minusSeconds(600);

    EncodedEvent without = window(serviceName, start, BOUND);
    publish(without);
    EncodedEvent impostor = window(serviceName, start.plusSeconds(1), BOUND);
    publishRaw(
        impostor.topic(),
        impostor.key(),
        impostor.value(),
        withHeader(impostor.headers(), TrustedPrincipalInterceptor.DEFAULT_HEADER, "User:chaos"));
    EncodedEvent stamped = window(serviceName, start.plusSeconds(2), BOUND);
    publishThroughInterceptor(stamped, "User:monitor");

    assertThat(awaitDeadLetter(id(without)).reason())
        .contains("untrusted-source")
        .contains("User:monitor")
        .contains("no aegis_kafka_principal header");
    DeadLetter mismatch = awaitDeadLetter(id(impostor));
    assertThat(mismatch.reasonCode()).isEqualTo("untrusted-source");
    assertThat(mismatch.reason()).contains("aegis_kafka_principal=User:chaos");

    await().atMost(WAIT).until(() -> experiment(jdbi, experimentId).progress().windows() == 1);
    assertThat(windowRowsPerEvent(jdbi, serviceName)).containsOnlyKeys(id(stamped));
  }

  @Test
  @DisplayName(
      "a Kafka submission to a namespace its source may not use is dead-lettered as forbidden-namespace and creates no experiment; an allowed one does")
  void submissionOutsideItsNamespacesIsRefused() {
    String refusedService = "trust-forbidden";
    String acceptedService = "trust-allowed";
    ScenarioKit.deployStable(cluster, refusedService);
    ScenarioKit.deployStable(cluster, acceptedService);

    EncodedEvent forbidden =
        encode(
            EventType.EXPERIMENT_SUBMITTED,
            submission(refusedService, "payments"),
            "/ci/shop-team",
            refusedService);
    publish(forbidden);
    EncodedEvent allowed =
        encode(
            EventType.EXPERIMENT_SUBMITTED,
            submission(acceptedService, Wire.NAMESPACE),
            "/ci/shop-team",
            acceptedService);
    publish(allowed);

    DeadLetter refused = awaitDeadLetter(id(forbidden));
    assertThat(refused.reasonCode()).isEqualTo("forbidden-namespace");
    assertThat(refused.reason()).contains("/ci/shop-team").contains("payments");

    await().atMost(WAIT).until(() -> experimentsOf(acceptedService) == 1);
    assertThat(experimentsOf(refusedService)).isZero();
  }

  @Test
  @DisplayName(
      "a planted dead letter naming a topic outside the replay allow-list is refused, over the API as 409 problem+json, and nothing is produced")
  void replayToAForeignTopicIsRefused() throws Exception {
    String key = "planted-" + UUID.randomUUID();
    EncodedEvent event = window("trust-planted", Instant.now().minusSeconds(600), Wire.MONITOR);
    DeadLetter planted = plant(event, key, Topics.LIFECYCLE);

    try (TopicTail lifecycle = SharedInfrastructure.kafka().tail(Topics.LIFECYCLE)) {
      Optional<ReplayService.Outcome> outcome = replays.replay(planted.id(), "test");
      assertThat(outcome)
          .get()
          .isInstanceOfSatisfying(
              ReplayService.Refused.class,
              r -> {
                assertThat(r.reason()).isEqualTo(ReplayService.Refusal.TOPIC_NOT_REPLAYABLE);
                assertThat(r.detail()).contains(Topics.LIFECYCLE);
              });
      mvc.perform(post("/api/v1/dead-letters/" + planted.id() + "/replay"))
          .andExpect(status().isConflict())
          .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/topic-not-replayable"));

      // Whatever replay might have produced under this key would precede this marker.
      publishRaw(Topics.LIFECYCLE, key, "marker".getBytes(StandardCharsets.UTF_8), Map.of());
      ConsumerRecord<String, byte[]> first =
          lifecycle.take(1, WAIT, r -> key.equals(r.key())).get(0);
      assertThat(TopicTail.text(first)).isEqualTo("marker");
    }
    DeadLetter after = jdbi.withHandle(h -> deadLetters.find(Tx.of(h), planted.id())).orElseThrow();
    assertThat(after.replayCount()).isZero();
  }

  @Test
  @DisplayName(
      "replay to an allowed topic still works: a planted trusted window takes effect, a planted submission from an untrusted source is dead-lettered again")
  void replayToAnAllowedTopicIsJudgedAgain() {
    String serviceName = "trust-replayed";
    String experimentId = ScenarioKit.submit(service, cluster, serviceName, "v2");
    EncodedEvent trusted = window(serviceName, Instant.now().minusSeconds(600), Wire.MONITOR);
    DeadLetter plantedWindow = plant(trusted, serviceName, Topics.HEALTH);

    assertThat(replays.replay(plantedWindow.id(), "test"))
        .get()
        .isInstanceOf(ReplayService.Replayed.class);
    await().atMost(WAIT).until(() -> experiment(jdbi, experimentId).progress().windows() == 1);

    String victim = "trust-replayed-submission";
    ScenarioKit.deployStable(cluster, victim);
    EncodedEvent submission =
        encode(
            EventType.EXPERIMENT_SUBMITTED,
            submission(victim, Wire.NAMESPACE),
            "/intruder",
            victim);
    DeadLetter plantedSubmission = plant(submission, victim, Topics.EXPERIMENTS);

    Optional<ReplayService.Outcome> outcome = replays.replay(plantedSubmission.id(), "test");
    assertThat(outcome).get().isInstanceOf(ReplayService.Replayed.class);
    DeadLetter again =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    deadLettersOf(id(submission)).stream()
                        .filter(d -> d.id() != plantedSubmission.id())
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    assertThat(again.reasonCode()).isEqualTo("untrusted-source");
    assertThat(again.originalTopic()).isEqualTo(Topics.EXPERIMENTS);
    assertThat(experimentsOf(victim)).isZero();
  }

  private static EncodedEvent window(String serviceName, Instant start, String source) {
    return encode(
        EventType.HEALTH_REPORTED,
        Wire.window(serviceName, "v2", Track.CANARY, start, 100, 0, 200),
        source,
        serviceName);
  }

  private static ExperimentSubmitted submission(String serviceName, String namespace) {
    return new ExperimentSubmitted(
        serviceName,
        namespace,
        new Candidate("v2", "registry.local/" + serviceName + ":v2"),
        Wire.fastPolicy(50));
  }

  private static EncodedEvent encode(EventType type, Object data, String source, String key) {
    return Wire.CODEC.encodeBinary(
        Events.envelope(type, UUID.randomUUID().toString(), source, key, Instant.now()), data);
  }

  /**
   * Publishes {@code event} with a header claiming another principal, through the trusted
   * interceptor.
   */
  private static void publishThroughInterceptor(EncodedEvent event, String principal) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    SharedInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG,
                    TrustedPrincipalInterceptor.class.getName(),
                TrustedPrincipalInterceptor.PRINCIPAL_CONFIG, principal),
            new StringSerializer(),
            new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(event.topic(), event.key(), event.value());
      withHeader(event.headers(), TrustedPrincipalInterceptor.DEFAULT_HEADER, "User:someone-else")
          .forEach((name, value) -> record.headers().add(name, value));
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not publish through the interceptor", e);
    }
  }

  /**
   * Produces {@code event} straight to {@code aegis.dlq}, as someone with write access there could,
   * claiming it came from {@code originalTopic}; returns it once recorded.
   */
  private DeadLetter plant(EncodedEvent event, String key, String originalTopic) {
    Map<String, byte[]> headers = new LinkedHashMap<>(event.headers());
    Map.of(
            DeadLetterHeaders.REASON,
            "processing-failed: planted",
            DeadLetterHeaders.REASON_CODE,
            "processing-failed",
            DeadLetterHeaders.ORIGINAL_TOPIC,
            originalTopic,
            DeadLetterHeaders.ORIGINAL_PARTITION,
            "0",
            DeadLetterHeaders.ORIGINAL_OFFSET,
            Long.toString(
                1_000_000_000L
                    + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L)),
            DeadLetterHeaders.FIRST_FAILED_AT,
            Instant.now().toString())
        .forEach((name, value) -> headers.put(name, value.getBytes(StandardCharsets.UTF_8)));
    publishRaw(Topics.DLQ, key, event.value(), headers);
    return awaitDeadLetter(id(event));
  }

  private DeadLetter awaitDeadLetter(String eventId) {
    return await()
        .atMost(WAIT)
        .until(() -> deadLettersOf(eventId).stream().findFirst(), Optional::isPresent)
        .orElseThrow();
  }

  private List<DeadLetter> deadLettersOf(String eventId) {
    return jdbi
        .withHandle(
            h ->
                deadLetters.list(
                    Tx.of(h), new DeadLetterRepository.Filter(null, null, null, null), 1000))
        .stream()
        .filter(d -> eventId.equals(d.eventId()))
        .toList();
  }

  private int experimentsOf(String serviceName) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM experiments WHERE service = :service")
                .bind("service", serviceName)
                .mapTo(Integer.class)
                .one());
  }
}
