package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.DecodeResult;
import dev.aegis.events.EventCodec;
import dev.aegis.events.Topics;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The lifecycle end to end on the real in-process broker and PostgreSQL: health events published to
 * {@code aegis.health} drive experiments to PROMOTED or QUARANTINED; transitions are stored and
 * published to {@code aegis.lifecycle}.
 */
@AegisComponentTest
class LifecycleScenariosIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EventCodec CODEC = new EventCodec();

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired ExperimentRepository experiments;
  @Autowired TransitionRepository transitions;
  @Autowired RcaRepository rcas;

  private String submit(String serviceName, String version, long minRequests) {
    ScenarioKit.deployStable(cluster, serviceName);
    SubmitOutcome outcome =
        service.submit(
            Wire.submission(serviceName, version, Wire.fastPolicy(minRequests)),
            ExperimentService.Origin.rest("test"),
            null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    return ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
  }

  private Experiment awaitPhase(String id, Phase phase) {
    await().atMost(WAIT).until(() -> experiment(id).phase() == phase);
    return experiment(id);
  }

  private Experiment experiment(String id) {
    return jdbi.withHandle(h -> experiments.find(Tx.of(h), id)).orElseThrow().experiment();
  }

  @Test
  @DisplayName("a good candidate goes 10 → 50 → 100 → PROMOTED and every transition is published")
  void goodCandidateIsPromoted() {
    try (TopicTail lifecycle = SharedInfrastructure.kafka().tail(Topics.LIFECYCLE)) {
      String id = submit("checkout", "v2", 50);
      Wire.publishCanary("checkout", "v2", Instant.now().minusSeconds(600), 6, 100, 0, 200);

      Experiment promoted = awaitPhase(id, Phase.PROMOTED);

      assertThat(promoted.lastJudgment().verdict()).isEqualTo(Verdict.PASS);
      var history = jdbi.withHandle(h -> transitions.history(Tx.of(h), id));
      assertThat(history)
          .extracting(t -> t.transition().to() + "@" + t.transition().weight())
          .containsExactly("CANARY@10", "CANARY@50", "CANARY@100", "PROMOTED@100");
      List<JsonNode> published =
          lifecycle.take(4, WAIT).stream()
              .map(r -> read(r.value()))
              .filter(n -> id.equals(n.path("experimentId").asText()))
              .toList();
      assertThat(published)
          .extracting(n -> n.path("to").asText())
          .containsExactly("CANARY", "CANARY", "CANARY", "PROMOTED");
    }
  }

  @Test
  @DisplayName(
      "a candidate with a 5% error rate is QUARANTINED with an RCA naming the error-rate check")
  void errorRateBreachIsQuarantined() throws Exception {
    try (TopicTail rcaTopic = SharedInfrastructure.kafka().tail(Topics.RCA)) {
      String id = submit("payments", "v7", 50);
      Wire.publishCanary("payments", "v7", Instant.now().minusSeconds(600), 4, 100, 5, 200);

      Experiment quarantined = awaitPhase(id, Phase.QUARANTINED);

      RcaRepository.StoredRca rca = jdbi.withHandle(h -> rcas.find(Tx.of(h), id)).orElseThrow();
      JsonNode record = JSON.readTree(rca.recordJson());
      assertThat(record.path("failedStep").asInt()).as("0-based: the first step").isZero();
      assertThat(record.path("failedWeight").asInt()).isEqualTo(10);
      assertThat(record.path("checks")).hasSize(1);
      assertThat(record.path("checks").get(0).path("check").asText()).isEqualTo("error-rate");
      assertThat(record.path("checks").get(0).path("observed").asDouble()).isEqualTo(0.05);
      // 10/200 is not yet a significant breach of the 2% SLO (exact binomial p 0.0075); 15/300 is
      // (p 0.0012): quarantined on the third window.
      assertThat(record.path("windows")).hasSize(3);
      assertThat(record.path("timeline"))
          .extracting(n -> n.path("to").asText())
          .containsExactly("CANARY", "ROLLING_BACK", "QUARANTINED");
      RcaRecorded published =
          rcaTopic.take(1, WAIT).stream()
              .map(LifecycleScenariosIT::decodeRca)
              .filter(r -> id.equals(r.experimentId()))
              .findFirst()
              .orElseThrow();
      assertThat(published.checks().get(0).check()).isEqualTo("error-rate");
      // The schema's contract: the 0-based index of the failed step, the experiment's stepIndex.
      assertThat(published.failedStep())
          .as("failedStep of the published rca.recorded event")
          .isEqualTo(quarantined.stepIndex())
          .isEqualTo(record.path("failedStep").asInt());
    }
  }

  @Test
  @DisplayName(
      "a candidate with too few requests holds at step 1, is paused for a human after its extension, never promoted")
  void tooFewRequestsHolds() {
    String id = submit("search", "v3", 1000);
    Wire.publishCanary("search", "v3", Instant.now().minusSeconds(600), 8, 10, 0, 200);

    // 2 s steps extended by 2 s: held at 2 and 3 s, paused (by aegis, inconclusive) at 4 s.
    Experiment held = awaitPhase(id, Phase.PAUSED);
    assertThat(held.stepIndex()).isZero();
    assertThat(held.progress().windows()).isEqualTo(4);
    assertThat(held.lastJudgment().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    List<TransitionRepository.StoredTransition> history =
        jdbi.withHandle(h -> transitions.history(Tx.of(h), id));
    assertThat(history.get(history.size() - 1).transition().actor()).isEqualTo("aegis");
  }

  @Test
  @DisplayName(
      "a second experiment for a busy service queues and starts when the first one settles")
  void secondExperimentQueues() {
    String first = submit("cart", "v2", 50);
    String second = submit("cart", "v3", 50);
    assertThat(experiment(second).phase()).isEqualTo(Phase.QUEUED);

    Wire.publishCanary("cart", "v2", Instant.now().minusSeconds(600), 2, 100, 10, 200);

    awaitPhase(first, Phase.QUARANTINED);
    assertThat(awaitPhase(second, Phase.CANARY).currentWeight()).isEqualTo(10);
  }

  @Test
  @DisplayName(
      "a canary step that hears no window for maxSilence is flagged as held, never promoted")
  void silentStepIsFlagged() {
    var policy = new PolicySpec(Wire.fastPolicy(10).steps(), null, 10L, Duration.ofMillis(1));
    ScenarioKit.deployStable(cluster, "quiet");
    SubmitOutcome outcome =
        service.submit(
            Wire.submission("quiet", "v2", policy), ExperimentService.Origin.rest("test"), null);
    String id = ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();

    await()
        .atMost(WAIT)
        .until(
            () -> {
              service.checkSilence();
              return experiment(id).silent();
            });
    Experiment held = experiment(id);
    assertThat(held.phase()).isEqualTo(Phase.CANARY);
    assertThat(held.lastJudgment().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(held.lastJudgment().checks().get(0).name()).isEqualTo("silence");
  }

  /** The record's event, through the one codec: a schema violation fails the test. */
  private static RcaRecorded decodeRca(ConsumerRecord<String, byte[]> record) {
    Map<String, byte[]> headers = new HashMap<>();
    record.headers().forEach(h -> headers.put(h.key(), h.value()));
    DecodeResult result = CODEC.decode(record.value(), headers);
    assertThat(result).as("rca.recorded as published").isInstanceOf(DecodeResult.Decoded.class);
    return (RcaRecorded) ((DecodeResult.Decoded) result).data();
  }

  private static JsonNode read(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
