package dev.aegis.orchestrator.standalone.demo;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.standalone.demo.DemoCatalogue.Behaviour;
import dev.aegis.orchestrator.standalone.demo.DemoCatalogue.DemoService;
import dev.aegis.orchestrator.standalone.demo.FaultEffects.Effect;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Plays the health monitors of the demo services: every tick it publishes one {@code
 * dev.aegis.health.reported.v1} window per service and track to {@code aegis.health}, through the
 * same broker and codec as any monitor. Traffic follows the cluster: the canary gets the share of
 * requests that the weight read back from the Kubernetes API gives it, so a bad candidate really
 * degrades more of the service as its weight grows. The {@code baseline} track is the stable
 * version observed on as many requests as the canary, which the judge compares the canary with.
 * Chaos faults on the cluster hurt the tracks they hit ({@link FaultEffects}), and so does a
 * shortage of ready pods ({@link DemoPods}).
 */
final class WorkloadSimulator {

  private static final Logger log = LoggerFactory.getLogger(WorkloadSimulator.class);
  static final String SOURCE = "/aegis/simulator";

  private final DemoCluster cluster;
  private final DemoPods pods;
  private final FaultEffects faults;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final EventCodec codec;
  private final Clock clock;
  private final SimulatorProperties properties;
  private final SplittableRandom random = new SplittableRandom();

  WorkloadSimulator(
      DemoCluster cluster,
      DemoPods pods,
      FaultEffects faults,
      KafkaTemplate<byte[], byte[]> kafka,
      EventCodec codec,
      Clock clock,
      SimulatorProperties properties) {
    this.cluster = cluster;
    this.pods = pods;
    this.faults = faults;
    this.kafka = kafka;
    this.codec = codec;
    this.clock = clock;
    this.properties = properties;
  }

  /** Publishes one window per service and track, ending now. */
  void tick() {
    Duration tick = properties.tick();
    Instant end = clock.instant();
    Instant start = end.minus(tick);
    long total = Math.max(1, Math.round(properties.requestsPerSecond() * tick.toMillis() / 1000.0));
    Map<String, Double> capacity = pods.reconcile();
    Map<String, Effect> effects = faults.read();
    for (DemoService service : DemoCatalogue.SERVICES) {
      Optional<String> stableVersion = cluster.stableVersion(service.name());
      if (stableVersion.isEmpty()) {
        continue;
      }
      Optional<String> canaryVersion = cluster.canaryVersion(service.name());
      int weight = canaryVersion.isPresent() ? cluster.canaryWeight(service.name()) : 0;
      long canaryRequests = Math.round(total * weight / 100.0);
      Behaviour stable =
          hurt(
              behaviour(service, stableVersion.get()),
              effects,
              service.name(),
              Track.STABLE,
              capacity.getOrDefault(service.name(), 1.0));
      publish(
          service.name(),
          stableVersion.get(),
          Track.STABLE,
          start,
          end,
          total - canaryRequests,
          stable);
      if (canaryRequests > 0) {
        publish(
            service.name(),
            canaryVersion.get(),
            Track.CANARY,
            start,
            end,
            canaryRequests,
            hurt(
                behaviour(service, canaryVersion.get()),
                effects,
                service.name(),
                Track.CANARY,
                capacity.getOrDefault(service.name() + "-canary", 1.0)));
        publish(
            service.name(),
            stableVersion.get(),
            Track.BASELINE,
            start,
            end,
            canaryRequests,
            stable);
      }
    }
  }

  /**
   * A behaviour under the faults on its track and with the share of its pods that are ready: with
   * fewer than half, the pods left are overloaded (slower, some errors); with none, every request
   * fails.
   */
  static Behaviour hurt(
      Behaviour behaviour,
      Map<String, Effect> effects,
      String service,
      Track track,
      double capacity) {
    Effect effect = effects.getOrDefault(FaultEffects.key(service, track), Effect.NONE);
    if (capacity <= 0) {
      effect = effect.plus(new Effect(1.0, 1, 0));
    } else if (capacity < 0.5) {
      effect = effect.plus(new Effect((0.5 - capacity) * 0.2, 0.5 / capacity, 0));
    }
    if (effect.isNone()) {
      return behaviour;
    }
    return new Behaviour(
        Math.min(1.0, behaviour.errorRate() + effect.addedErrorRate()),
        behaviour.p95Ms() * effect.latencyFactor() + effect.addedLatencyMs());
  }

  /** The stable version behaves as the catalogue's stable; any other version as its candidate. */
  private static Behaviour behaviour(DemoService service, String version) {
    return version.equals(service.stableVersion()) ? service.stable() : service.candidate();
  }

  private void publish(
      String service,
      String version,
      Track track,
      Instant start,
      Instant end,
      long requests,
      Behaviour behaviour) {
    if (requests <= 0) {
      return;
    }
    long errors = binomial(requests, behaviour.errorRate());
    double p95 = behaviour.p95Ms() * Math.exp(0.08 * gaussian());
    // The window names its namespace, as a monitor should: a service name alone may be managed in
    // several.
    HealthReported data =
        new HealthReported(
            service,
            version,
            track,
            start,
            end,
            requests,
            errors,
            new Latency(p95 * 0.45, p95, p95 * 1.6),
            0.35 + 0.1 * random.nextDouble(),
            0.5,
            properties.namespace());
    EncodedEvent event =
        codec.encodeBinary(
            Events.envelope(
                EventType.HEALTH_REPORTED, UUID.randomUUID().toString(), SOURCE, service, end),
            data);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            event.topic(), null, event.key().getBytes(StandardCharsets.UTF_8), event.value());
    event.headers().forEach((name, value) -> record.headers().add(name, value));
    kafka
        .send(record)
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.warn("simulated window of {} not published: {}", service, e.toString());
              }
            });
  }

  /**
   * Errors among {@code n} requests of error ratio {@code p}: exact for small n, normal
   * approximation above.
   */
  private long binomial(long n, double p) {
    if (n <= 200) {
      long k = 0;
      for (long i = 0; i < n; i++) {
        if (random.nextDouble() < p) {
          k++;
        }
      }
      return k;
    }
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    return Math.max(0, Math.min(n, Math.round(mean + sd * gaussian())));
  }

  private double gaussian() {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
