package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.events.data.Track;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.KafkaMode;
import dev.aegis.orchestrator.testsupport.RestartableKafka;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The Kafka broker is stopped and started again (same port, same log) in the middle of a canary:
 * Aegis reconnects by itself, the windows published before the stop and after the start are each
 * processed once, and the experiment is promoted along the path it would have taken without the
 * outage.
 */
@AegisComponentTest(kafka = KafkaMode.RESTARTABLE)
class BrokerOutageDuringCanaryIT {

  private static final String SERVICE = "outage-checkout";
  private static final String NAMESPACE = "shop";
  private static final String SOURCE = "/monitors/broker-outage-test";
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final EventCodec CODEC = new EventCodec();

  @Autowired ExperimentService experiments;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired RestartableKafka kafka;
  @Autowired HealthContributorRegistry health;

  private KafkaProducer<String, byte[]> producer;

  @AfterEach
  void closeProducer() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  @Test
  @DisplayName(
      "a broker restart mid-canary loses no window, doubles none, and the experiment is promoted")
  void brokerRestartMidCanary() throws Exception {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer());
    String id = submit();
    List<EncodedEvent> windows = canaryWindows(Instant.now().minusSeconds(600), 6);

    // The first step's windows are acknowledged by the broker, which stops before Aegis may have
    // read them.
    publish(windows.subList(0, 2));
    long stopping = System.nanoTime();
    kafka.stop();
    long stopped = System.nanoTime();
    // Readiness reports the outage (a load balancer takes Aegis out of rotation) ...
    await().atMost(WAIT).until(() -> kafkaHealth() == Status.DOWN);
    long down = System.nanoTime();
    kafka.restart();
    long restarted = System.nanoTime();
    // ... and its return, with nothing restarted in Aegis.
    await().atMost(WAIT).until(() -> kafkaHealth() == Status.UP);

    List<EncodedEvent> after = new ArrayList<>(windows.subList(2, 6));
    EncodedEvent marker = stableWindow(Instant.now().minusSeconds(60));
    after.add(marker);
    publish(after);
    await().atMost(WAIT).until(() -> processed(marker) && "PROMOTED".equals(phase(id)));
    System.out.printf(
        "BrokerOutageDuringCanaryIT: broker stop %d ms, readiness DOWN %d ms after the stop, "
            + "restart %d ms, promoted %d ms after the restart%n",
        (stopped - stopping) / 1_000_000,
        (down - stopped) / 1_000_000,
        (restarted - down) / 1_000_000,
        (System.nanoTime() - restarted) / 1_000_000);

    assertThat(transitions(id))
        .containsExactly("CANARY@10", "CANARY@50", "CANARY@100", "PROMOTED@100");
    List<EncodedEvent> all = new ArrayList<>(windows);
    all.add(marker);
    assertThat(windowRowsPerEvent())
        .as("one stored window per event, none lost, none twice")
        .containsExactlyInAnyOrderEntriesOf(oneEach(all));
    // The lifecycle events written during the run reach the broker once it is back.
    await().atMost(WAIT).until(() -> outboxEvents(id, false) == 0);
    assertThat(outboxEvents(id, true)).as("lifecycle events published").isGreaterThanOrEqualTo(4);
  }

  private Status kafkaHealth() {
    HealthIndicator kafkaCheck = (HealthIndicator) health.getContributor("kafka");
    return kafkaCheck.health().getStatus();
  }

  private String submit() {
    cluster
        .resource(
            ClusterFixtures.stableDeployment(
                NAMESPACE, SERVICE, "registry.local/" + SERVICE + ":v1", 4))
        .create();
    cluster.resource(ClusterFixtures.stableService(NAMESPACE, SERVICE)).create();
    PolicySpec policy =
        new PolicySpec(
            List.of(
                new StepSpec(10, Duration.ofSeconds(2)),
                new StepSpec(50, Duration.ofSeconds(2)),
                new StepSpec(100, Duration.ofSeconds(2))),
            new SloSpec(0.02, 3000.0),
            50L,
            Duration.ofMinutes(10));
    SubmitOutcome outcome =
        experiments.submit(
            new ExperimentSubmitted(
                SERVICE,
                NAMESPACE,
                new Candidate("v2", "registry.local/" + SERVICE + ":v2"),
                policy),
            ExperimentService.Origin.rest("test"),
            null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    return ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
  }

  private static List<EncodedEvent> canaryWindows(Instant start, int count) {
    List<EncodedEvent> windows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      windows.add(window(Track.CANARY, "v2", start.plusSeconds(i)));
    }
    return windows;
  }

  private static EncodedEvent stableWindow(Instant start) {
    return window(Track.STABLE, "v1", start);
  }

  private static EncodedEvent window(Track track, String version, Instant start) {
    HealthReported data =
        new HealthReported(
            SERVICE,
            version,
            track,
            start,
            start.plusSeconds(1),
            100,
            0,
            new Latency(100, 200, 300),
            0.3,
            0.4);
    return CODEC.encodeBinary(
        Events.envelope(
            EventType.HEALTH_REPORTED,
            UUID.randomUUID().toString(),
            SOURCE,
            SERVICE,
            Instant.now()),
        data);
  }

  private void publish(List<EncodedEvent> events) throws Exception {
    for (EncodedEvent event : events) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(event.topic(), event.key(), event.value());
      event.headers().forEach((name, value) -> record.headers().add(name, value));
      producer.send(record).get(60, TimeUnit.SECONDS);
    }
  }

  private static String id(EncodedEvent event) {
    return new String(event.headers().get("ce_id"), StandardCharsets.UTF_8);
  }

  private boolean processed(EncodedEvent event) {
    return jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM processed_events WHERE source = :source AND event_id = :id")
                    .bind("source", SOURCE)
                    .bind("id", id(event))
                    .mapTo(Integer.class)
                    .one())
        == 1;
  }

  private String phase(String experiment) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT phase FROM experiments WHERE id = :id")
                .bind("id", experiment)
                .mapTo(String.class)
                .one());
  }

  private List<String> transitions(String experiment) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT to_phase || '@' || weight FROM transitions WHERE experiment_id = :id ORDER BY id")
                .bind("id", experiment)
                .mapTo(String.class)
                .list());
  }

  private Map<String, Long> windowRowsPerEvent() {
    Map<String, Long> rows = new LinkedHashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT event_id, count(*) AS n FROM health_windows "
                        + "WHERE service = :service GROUP BY event_id")
                .bind("service", SERVICE)
                .map((rs, ctx) -> Map.entry(rs.getString("event_id"), rs.getLong("n")))
                .forEach(e -> rows.put(e.getKey(), e.getValue())));
    return rows;
  }

  private static Map<String, Long> oneEach(List<EncodedEvent> events) {
    Map<String, Long> expected = new LinkedHashMap<>();
    events.forEach(e -> expected.put(id(e), 1L));
    return expected;
  }

  /** The experiment's outgoing events in the outbox, published ({@code done}) or not yet. */
  private int outboxEvents(String experiment, boolean done) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM outbox WHERE experiment_id = :id "
                        + "AND kind = 'event' AND (status = 'DONE') = :done")
                .bind("id", experiment)
                .bind("done", done)
                .mapTo(Integer.class)
                .one());
  }
}
