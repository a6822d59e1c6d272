package dev.aegis.orchestrator.scenarios;

import static dev.aegis.orchestrator.scenarios.ScenarioKit.WAIT;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.canaryWindows;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.experiment;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.publishRaw;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.transitions;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.events.CloudEventHeaders;
import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.RejectionReason;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Events the codec refuses never block the stream: each is dead-lettered with its reason and where
 * it was read, both on {@code aegis.dlq} and in the {@code dead_letters} table, and the good events
 * behind it are processed.
 */
@AegisComponentTest(
    properties = {
      "aegis.processing.attempts=3",
      "aegis.processing.initial-backoff=100ms",
      "aegis.processing.max-backoff=200ms"
    })
class DeadLetterScenariosIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CODES =
      List.of(
          RejectionReason.NOT_JSON.code(),
          RejectionReason.SCHEMA_VIOLATION.code(),
          RejectionReason.UNKNOWN_TYPE.code(),
          RejectionReason.INVALID_DATA.code());

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired DeadLetterRepository deadLetters;

  /** A record as published: where it landed, its value and its CloudEvents id header. */
  private record ProducedRecord(RecordMetadata where, byte[] value, String ceId) {}

  @Test
  @DisplayName(
      "not-JSON, schema-invalid, unknown-type and out-of-range events land in dead_letters with their reason and origin, and the good events behind them are processed")
  void refusedEventsAreRecordedAndTheStreamGoesOn() {
    String serviceName = "dl-refused";
    String id = ScenarioKit.submit(service, cluster, serviceName, "v2");
    List<EncodedEvent> good =
        canaryWindows(serviceName, "v2", Instant.now().minusSeconds(600), 2, 100, 0, 200);

    List<ProducedRecord> rejects = publishRejects(serviceName);
    good.forEach(ScenarioKit::publish);

    await().atMost(WAIT).until(() -> deadLettersOf(serviceName).size() >= CODES.size());
    List<DeadLetter> recorded = deadLettersOf(serviceName);
    assertThat(recorded).extracting(DeadLetter::reasonCode).containsExactlyElementsOf(CODES);
    for (int i = 0; i < CODES.size(); i++) {
      DeadLetter d = recorded.get(i);
      ProducedRecord original = rejects.get(i);
      assertThat(d.originalTopic()).isEqualTo(Topics.HEALTH);
      assertThat(d.originalPartition()).isEqualTo(original.where().partition());
      assertThat(d.originalOffset()).isEqualTo(original.where().offset());
      assertThat(d.value()).isEqualTo(original.value());
      assertThat(d.reason()).startsWith(CODES.get(i) + ": ");
      assertThat(d.headersJson()).contains(base64(original.ceId()));
    }

    await().atMost(WAIT).until(() -> experiment(jdbi, id).stepIndex() == 1);
    assertThat(experiment(jdbi, id).phase()).isEqualTo(Phase.CANARY);
    assertThat(transitions(jdbi, id)).containsExactly("CANARY@10", "CANARY@50");
  }

  @Test
  @DisplayName(
      "each refused event is published to aegis.dlq unchanged, with its reason, original topic, partition, offset and first-failure time")
  void refusedEventsArePublishedToTheDeadLetterTopic() {
    String serviceName = "dl-topic";
    try (TopicTail dlq = SharedInfrastructure.kafka().tail(Topics.DLQ)) {
      Instant before = Instant.now();
      List<ProducedRecord> rejects = publishRejects(serviceName);

      List<ConsumerRecord<String, byte[]>> published =
          dlq.take(CODES.size(), WAIT, r -> serviceName.equals(r.key())).stream()
              .sorted(
                  Comparator.comparingLong(
                      r -> Long.parseLong(TopicTail.header(r, DeadLetterHeaders.ORIGINAL_OFFSET))))
              .toList();
      Instant after = Instant.now();

      for (int i = 0; i < CODES.size(); i++) {
        ConsumerRecord<String, byte[]> r = published.get(i);
        ProducedRecord original = rejects.get(i);
        assertThat(r.value()).as("value").isEqualTo(original.value());
        assertThat(TopicTail.header(r, CloudEventHeaders.ID)).isEqualTo(original.ceId());
        assertThat(TopicTail.header(r, DeadLetterHeaders.REASON)).startsWith(CODES.get(i) + ": ");
        assertThat(TopicTail.header(r, DeadLetterHeaders.REASON_CODE)).isEqualTo(CODES.get(i));
        assertThat(TopicTail.header(r, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(Topics.HEALTH);
        assertThat(TopicTail.header(r, DeadLetterHeaders.ORIGINAL_PARTITION))
            .isEqualTo(Integer.toString(original.where().partition()));
        assertThat(TopicTail.header(r, DeadLetterHeaders.ORIGINAL_OFFSET))
            .isEqualTo(Long.toString(original.where().offset()));
        assertThat(Instant.parse(TopicTail.header(r, DeadLetterHeaders.FIRST_FAILED_AT)))
            .isBetween(before, after);
      }
    }
  }

  /**
   * Publishes four records the codec refuses, in {@link #CODES} order, on {@code aegis.health}
   * under key {@code serviceName}: CloudEvents headers of a
   * health event with the body {@code not json{}; a health event with negative requests; a valid
   * health event whose type is {@code dev.aegis.unknown.v1}; a health event whose p95 is {@code
   * 1e400}, beyond a double (once its validation failed the whole batch).
   */
  private static List<ProducedRecord> publishRejects(String serviceName) {
    Instant start = Instant.now().minusSeconds(300);

    EncodedEvent notJson = canaryWindows(serviceName, "v2", start, 1, 100, 0, 200).get(0);
    byte[] notJsonValue = "not json{".getBytes(StandardCharsets.UTF_8);
    RecordMetadata notJsonAt =
        publishRaw(Topics.HEALTH, serviceName, notJsonValue, notJson.headers());

    EncodedEvent invalid = canaryWindows(serviceName, "v2", start, 1, 100, 0, 200).get(0);
    byte[] invalidValue = negativeRequests(invalid.value());
    RecordMetadata invalidAt =
        publishRaw(Topics.HEALTH, serviceName, invalidValue, invalid.headers());

    EncodedEvent unknown = canaryWindows(serviceName, "v2", start, 1, 100, 0, 200).get(0);
    Map<String, byte[]> unknownHeaders =
        withHeader(unknown.headers(), CloudEventHeaders.TYPE, "dev.aegis.unknown.v1");
    RecordMetadata unknownAt =
        publishRaw(Topics.HEALTH, serviceName, unknown.value(), unknownHeaders);

    EncodedEvent huge = canaryWindows(serviceName, "v2", start, 1, 100, 0, 200).get(0);
    byte[] hugeValue =
        new String(huge.value(), StandardCharsets.UTF_8)
            .replaceFirst("\"p95\":[0-9.Ee+-]+", "\"p95\":1e400")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(new String(hugeValue, StandardCharsets.UTF_8)).contains("\"p95\":1e400");
    RecordMetadata hugeAt = publishRaw(Topics.HEALTH, serviceName, hugeValue, huge.headers());

    return List.of(
        new ProducedRecord(notJsonAt, notJsonValue, ScenarioKit.id(notJson)),
        new ProducedRecord(invalidAt, invalidValue, ScenarioKit.id(invalid)),
        new ProducedRecord(unknownAt, unknown.value(), ScenarioKit.id(unknown)),
        new ProducedRecord(hugeAt, hugeValue, ScenarioKit.id(huge)));
  }

  private static byte[] negativeRequests(byte[] value) {
    try {
      ObjectNode data = (ObjectNode) JSON.readTree(value);
      data.put("requests", -5);
      return JSON.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The dead letters read from {@code aegis.health} under key {@code serviceName}, oldest offset
   * first.
   */
  private List<DeadLetter> deadLettersOf(String serviceName) {
    byte[] key = serviceName.getBytes(StandardCharsets.UTF_8);
    return jdbi
        .withHandle(
            h ->
                deadLetters.list(
                    Tx.of(h), new DeadLetterRepository.Filter(null, null, null, null), 1000))
        .stream()
        .filter(d -> Topics.HEALTH.equals(d.originalTopic()) && Arrays.equals(key, d.key()))
        .sorted(Comparator.comparingLong(DeadLetter::originalOffset))
        .toList();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
