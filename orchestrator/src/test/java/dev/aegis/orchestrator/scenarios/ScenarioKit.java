package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.CloudEventHeaders;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventType;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.slo.BurnRate;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Jdbi;

/**
 * What the exactly-once, dead-letter and outage scenarios share beyond {@link Wire}: publishing
 * that reports where a record landed, reading the stored effects of one service, and moving a
 * consumer group's offset.
 */
final class ScenarioKit {

  static final Duration WAIT = Duration.ofSeconds(60);

  /** The transitions of a good run of {@link Wire#fastPolicy}: three steps, then promotion. */
  static final List<String> PROMOTED_RUN =
      List.of("CANARY@10", "CANARY@50", "CANARY@100", "PROMOTED@100");

  private static final ExperimentRepository EXPERIMENTS = new ExperimentRepository();
  private static final TransitionRepository TRANSITIONS = new TransitionRepository();
  private static final InboxRepository INBOX = new InboxRepository();

  private ScenarioKit() {}

  /**
   * Submits a {@link Wire#fastPolicy} experiment needing 50 requests per step, after deploying the
   * service's stable workload on the cluster; returns its id.
   */
  static String submit(
      ExperimentService service, KubernetesClient cluster, String serviceName, String version) {
    deployStable(cluster, serviceName);
    SubmitOutcome outcome =
        service.submit(
            Wire.submission(serviceName, version, Wire.fastPolicy(50)),
            ExperimentService.Origin.rest("test"),
            null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    return ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
  }

  /**
   * Creates the service's stable Deployment and Service in namespace {@code shop}, unless they
   * exist.
   */
  static void deployStable(KubernetesClient cluster, String serviceName) {
    Workloads.deployStable(cluster, Wire.NAMESPACE, serviceName);
  }

  /**
   * {@code count} one-second canary windows, back to back from {@code start}, encoded but not
   * published.
   */
  static List<EncodedEvent> canaryWindows(
      String service,
      String version,
      Instant start,
      int count,
      long requests,
      long errors,
      double p95) {
    List<EncodedEvent> windows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      windows.add(
          Wire.encode(
              EventType.HEALTH_REPORTED,
              Wire.window(
                  service, version, Track.CANARY, start.plusSeconds(i), requests, errors, p95),
              UUID.randomUUID().toString(),
              service));
    }
    return windows;
  }

  /** A stable-track window: stored for a managed service, never counted toward a canary step. */
  static EncodedEvent stableWindow(String service, Instant start) {
    return Wire.encode(
        EventType.HEALTH_REPORTED,
        Wire.window(service, "v1", Track.STABLE, start, 100, 0, 200),
        UUID.randomUUID().toString(),
        service);
  }

  /**
   * {@code event} as the consumer reads it, for a test that hands batches to {@link
   * dev.aegis.orchestrator.messaging.IngestListener#onBatch} itself: partition 0, at offset {@code
   * Long.MAX_VALUE / 2 + n}, which no real record of the topic has.
   */
  static ConsumerRecord<byte[], byte[]> consumed(EncodedEvent event, long n) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(
            event.topic(),
            0,
            Long.MAX_VALUE / 2 + n,
            event.key().getBytes(StandardCharsets.UTF_8),
            event.value());
    event.headers().forEach((name, value) -> r.headers().add(name, value));
    return r;
  }

  /**
   * A one-minute stable-track window from {@code start}, encoded but not published: what a
   * production monitor reports.
   */
  static EncodedEvent stableMinute(
      String service, String version, Instant start, long requests, long errors, double p95) {
    HealthReported data =
        new HealthReported(
            service,
            version,
            Track.STABLE,
            start,
            start.plusSeconds(60),
            requests,
            errors,
            new Latency(p95 / 2, p95, p95 * 1.5),
            0.5,
            0.5);
    return Wire.encode(EventType.HEALTH_REPORTED, data, UUID.randomUUID().toString(), service);
  }

  /** The event's CloudEvents id. */
  static String id(EncodedEvent event) {
    return event.header(CloudEventHeaders.ID).orElseThrow();
  }

  static RecordMetadata publish(EncodedEvent event) {
    return publishRaw(event.topic(), event.key(), event.value(), event.headers());
  }

  /** Publishes one record as given and returns where the broker put it. */
  static RecordMetadata publishRaw(
      String topic, String key, byte[] value, Map<String, byte[]> headers) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
    headers.forEach((name, v) -> record.headers().add(name, v));
    return SharedInfrastructure.kafka().publish(record);
  }

  /** {@code headers} with {@code name} replaced by {@code value} (UTF-8), order kept. */
  static Map<String, byte[]> withHeader(Map<String, byte[]> headers, String name, String value) {
    Map<String, byte[]> copy = new LinkedHashMap<>(headers);
    copy.put(name, value.getBytes(StandardCharsets.UTF_8));
    return copy;
  }

  static Experiment experiment(Jdbi jdbi, String id) {
    return jdbi.withHandle(h -> EXPERIMENTS.find(Tx.of(h), id)).orElseThrow().experiment();
  }

  /** The experiment's stored history as {@code PHASE@weight}, oldest first. */
  static List<String> transitions(Jdbi jdbi, String id) {
    return history(jdbi, id).stream()
        .map(t -> t.transition().to() + "@" + t.transition().weight())
        .toList();
  }

  /**
   * The last hour of {@code service}'s stable-track burn rate, as its tracker counts it in memory;
   * fails when the service has no tracker.
   */
  static BurnRate stableLastHour(BurnRateMonitor burnRates, String service) {
    return burnRates.snapshot(service, HealthWindow.Track.STABLE).orElseThrow().windows().stream()
        .filter(w -> w.window().equals(Duration.ofHours(1)))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The states ({@code firing}, {@code resolved}) of the SLO pages enqueued for {@code service}.
   */
  static List<String> pageStates(Jdbi jdbi, String service) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT payload->'data'->>'state' FROM outbox WHERE type = :type "
                        + "AND message_key = :service AND payload->'data'->>'severity' = 'page'")
                .bind("type", EventType.SLO_BURN_RATE_ALERTED.type())
                .bind("service", service)
                .mapTo(String.class)
                .list());
  }

  static List<TransitionRepository.StoredTransition> history(Jdbi jdbi, String id) {
    return jdbi.withHandle(h -> TRANSITIONS.history(Tx.of(h), id));
  }

  /**
   * How many {@code health_windows} rows each event of {@code service} produced, by CloudEvents id.
   */
  static Map<String, Long> windowRowsPerEvent(Jdbi jdbi, String service) {
    Map<String, Long> rows = new LinkedHashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT event_id, count(*) AS n FROM health_windows "
                        + "WHERE service = :service GROUP BY event_id ORDER BY min(id)")
                .bind("service", service)
                .map((rs, ctx) -> Map.entry(rs.getString("event_id"), rs.getLong("n")))
                .forEach(e -> rows.put(e.getKey(), e.getValue())));
    return rows;
  }

  /** Expected {@link #windowRowsPerEvent}: one row for each of {@code events}. */
  static Map<String, Long> oneRowEach(List<EncodedEvent> events) {
    Map<String, Long> expected = new LinkedHashMap<>();
    events.forEach(e -> expected.put(id(e), 1L));
    return expected;
  }

  /**
   * Whether the orchestrator using {@code jdbi} has processed (or deliberately skipped) the event.
   */
  static boolean processed(Jdbi jdbi, EncodedEvent event) {
    String source = event.header(CloudEventHeaders.SOURCE).orElseThrow();
    return jdbi.withHandle(h -> INBOX.seen(Tx.of(h), source, id(event)));
  }

  static void awaitProcessed(Jdbi jdbi, EncodedEvent event) {
    await().atMost(WAIT).until(() -> processed(jdbi, event));
  }

  /**
   * How many redelivered events on {@code topic} the context's processor recognised and skipped.
   */
  static double duplicatesSkipped(MeterRegistry metrics, String topic) {
    return metrics.find("aegis.events.duplicates").tag("topic", topic).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /**
   * Commits {@code offset} for {@code partition} in {@code groupId}, as an operator's offset reset
   * would. The broker accepts it only once the group has no members, so it is retried until the
   * members that just stopped have left.
   */
  static void moveGroupOffset(String groupId, TopicPartition partition, long offset) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()))) {
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () -> {
                admin
                    .alterConsumerGroupOffsets(
                        groupId, Map.of(partition, new OffsetAndMetadata(offset)))
                    .all()
                    .get(10, TimeUnit.SECONDS);
                return true;
              });
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () ->
                  admin
                          .listConsumerGroupOffsets(groupId)
                          .partitionsToOffsetAndMetadata()
                          .get(10, TimeUnit.SECONDS)
                          .get(partition)
                          .offset()
                      == offset);
    }
  }
}
