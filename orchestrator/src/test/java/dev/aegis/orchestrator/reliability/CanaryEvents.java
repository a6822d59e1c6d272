package dev.aegis.orchestrator.reliability;

import dev.aegis.events.CloudEventHeaders;
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
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The contract events of the reliability tests, as a monitor and a CI pipeline would send them, and
 * the stable workloads they act on. Binary CloudEvents, encoded by the contract's own codec.
 */
final class CanaryEvents {

  static final String MONITOR = "/monitors/reliability";
  static final String NAMESPACE = "shop";

  /**
   * Requests in every window: more than {@link #MIN_REQUESTS}, so one window is enough for a severe
   * breach.
   */
  static final long REQUESTS = 60;

  static final long MIN_REQUESTS = 50;

  /** The transitions of a good run: three 2-second steps, then promotion ({@code PHASE@weight}). */
  static final List<String> PROMOTED_RUN =
      List.of("CANARY@10", "CANARY@50", "CANARY@100", "PROMOTED@100");

  private static final EventCodec CODEC = new EventCodec();

  private CanaryEvents() {}

  /**
   * Three steps of two seconds (10/50/100%), judged on one-second windows; SLO 2% errors, p95 3 s.
   */
  static PolicySpec fastPolicy() {
    return new PolicySpec(
        List.of(
            new StepSpec(10, Duration.ofSeconds(2)),
            new StepSpec(50, Duration.ofSeconds(2)),
            new StepSpec(100, Duration.ofSeconds(2))),
        new SloSpec(0.02, 3000.0),
        MIN_REQUESTS,
        Duration.ofMinutes(10));
  }

  static String image(String service, String version) {
    return "registry.local/" + service + ":" + version;
  }

  static ExperimentSubmitted submission(String service, String version) {
    return new ExperimentSubmitted(
        service, NAMESPACE, new Candidate(version, image(service, version)), fastPolicy());
  }

  /** A submission on {@code aegis.experiments}, with a fresh CloudEvents id. */
  static EncodedEvent submissionEvent(String service, String version) {
    return encode(EventType.EXPERIMENT_SUBMITTED, submission(service, version), service);
  }

  /**
   * A one-second canary window from {@code start}: healthy, or failing half its requests (a severe
   * breach, which fails a step at once).
   */
  static EncodedEvent window(String service, String version, Instant start, boolean healthy) {
    HealthReported data =
        new HealthReported(
            service,
            version,
            Track.CANARY,
            start,
            start.plusSeconds(1),
            REQUESTS,
            healthy ? 0 : REQUESTS / 2,
            new Latency(100.0, 200.0, 300.0),
            0.3,
            0.4);
    return encode(EventType.HEALTH_REPORTED, data, service);
  }

  private static EncodedEvent encode(EventType type, Object data, String key) {
    return CODEC.encodeBinary(
        Events.envelope(type, UUID.randomUUID().toString(), MONITOR, key, Instant.now()), data);
  }

  static String id(EncodedEvent event) {
    return event.header(CloudEventHeaders.ID).orElseThrow();
  }

  static String source(EncodedEvent event) {
    return event.header(CloudEventHeaders.SOURCE).orElseThrow();
  }

  /** Publishes one record on the shared broker and returns where it landed. */
  static RecordMetadata publish(EncodedEvent event) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(event.topic(), event.key(), event.value());
    event.headers().forEach((name, value) -> record.headers().add(name, value));
    return SharedInfrastructure.kafka().publish(record);
  }

  /**
   * Creates the service's stable Deployment (4 replicas of v1) and Service in {@link #NAMESPACE}.
   */
  static void deployStable(KubernetesClient cluster, String service) {
    cluster
        .resource(ClusterFixtures.stableDeployment(NAMESPACE, service, image(service, "v1"), 4))
        .create();
    cluster.resource(ClusterFixtures.stableService(NAMESPACE, service)).create();
  }

  /** The image the service's stable Deployment runs. */
  static String stableImage(KubernetesClient cluster, String service) {
    return cluster
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName(service)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }
}
