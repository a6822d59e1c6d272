package dev.aegis.orchestrator.scenarios;

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
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds and publishes contract events on the shared in-process broker, as a health monitor would.
 */
final class Wire {
  static final EventCodec CODEC = new EventCodec();
  static final String MONITOR = "/monitors/test";
  static final String NAMESPACE = "shop";

  private Wire() {}

  /** A policy of three 2-second steps (10/50/100%) judged on 1-second windows. */
  static PolicySpec fastPolicy(long minRequests) {
    return new PolicySpec(
        List.of(
            new StepSpec(10, Duration.ofSeconds(2)),
            new StepSpec(50, Duration.ofSeconds(2)),
            new StepSpec(100, Duration.ofSeconds(2))),
        new SloSpec(0.02, 3000.0),
        minRequests,
        Duration.ofMinutes(10));
  }

  static ExperimentSubmitted submission(String service, String version, PolicySpec policy) {
    return new ExperimentSubmitted(
        service,
        NAMESPACE,
        new Candidate(version, "registry.local/" + service + ":" + version),
        policy);
  }

  static HealthReported window(
      String service,
      String version,
      Track track,
      Instant start,
      long requests,
      long errors,
      double p95) {
    return new HealthReported(
        service,
        version,
        track,
        start,
        start.plusSeconds(1),
        requests,
        errors,
        new Latency(p95 / 2, p95, p95 * 1.5),
        0.3,
        0.4);
  }

  static EncodedEvent encode(EventType type, Object data, String id, String key) {
    return CODEC.encodeBinary(Events.envelope(type, id, MONITOR, key, Instant.now()), data);
  }

  /**
   * Publishes {@code windows} canary windows of one second each, back to back from {@code start}.
   */
  static List<String> publishCanary(
      String service,
      String version,
      Instant start,
      int windows,
      long requests,
      long errors,
      double p95) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < windows; i++) {
      String id = UUID.randomUUID().toString();
      publish(
          encode(
              EventType.HEALTH_REPORTED,
              window(service, version, Track.CANARY, start.plusSeconds(i), requests, errors, p95),
              id,
              service));
      ids.add(id);
    }
    return ids;
  }

  static void publish(EncodedEvent event) {
    publishRaw(event.topic(), event.key(), event.value(), event.headers());
  }

  static void publishRaw(String topic, String key, byte[] value, Map<String, byte[]> headers) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
    headers.forEach((name, v) -> record.headers().add(name, v));
    SharedInfrastructure.kafka().publish(record);
  }

  static Map<String, byte[]> headers(Map<String, String> text) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    text.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return out;
  }
}
